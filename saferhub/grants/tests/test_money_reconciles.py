"""Every total reconciles, whatever happens to a fund: hypothesis offers, accepts, declines, pays, varies,
reports spend, claws back and closes at random through the services, and after every step the fund's
figures are checked against sums of its records counted here, row by row."""

import contextlib
from dataclasses import dataclass

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saferhub.grants import selectors, services
from saferhub.grants.models import (
    Application,
    ApplicationStatus,
    Award,
    AwardStatus,
    Clawback,
    Instalment,
    Spend,
    Variation,
    VariationStatus,
)
from saferhub.grants.tests.factories import (
    ApplicantMemberFactory,
    ApplicationFactory,
    FundFactory,
    GrantRoundFactory,
)
from saferhub.grants.workflows import GrantRefused

PENCE = st.integers(min_value=1, max_value=1_500_000)
PROJECTS = 3

operation = st.one_of(
    st.tuples(st.just("offer"), st.integers(0, PROJECTS - 1), PENCE, st.integers(1, 3)),
    st.tuples(st.just("respond"), st.integers(0, PROJECTS - 1), st.booleans()),
    st.tuples(st.just("pay"), st.integers(0, PROJECTS - 1), st.integers(0, 2)),
    st.tuples(
        st.just("vary"), st.integers(0, PROJECTS - 1), st.integers(-1_000_000, 1_000_000), st.booleans()
    ),
    st.tuples(st.just("spend"), st.integers(0, PROJECTS - 1), st.integers(0, 1_500_000), st.integers(1, 4)),
    st.tuples(st.just("claw_back"), st.integers(0, PROJECTS - 1), PENCE),
    st.tuples(st.just("close"), st.integers(0, PROJECTS - 1)),
)


@dataclass
class Project:
    application: Application
    applicant: object


def projects_of_a_new_fund(partnership, total_pence: int) -> list[Project]:
    """A fund of its own for each example, with three approved applications of up to £15,000 each."""
    fund = FundFactory(partnership=partnership, total_pence=total_pence)
    grant_round = GrantRoundFactory(fund=fund, max_award_pence=1_500_000)
    projects = []
    for _ in range(PROJECTS):
        applicant = ApplicantMemberFactory()
        application = ApplicationFactory(
            grant_round=grant_round,
            organisation=applicant.organisation,
            contact=applicant.user,
            amount_requested_pence=1_500_000,
            status=ApplicationStatus.APPROVED,
        )
        application.budget_lines.create(item="Staff", amount_pence=1_500_000)
        projects.append(Project(application, applicant.user))
    return projects


def apply(step: tuple, project: Project, manager) -> None:
    kind, *values = step
    award = Award.objects.filter(application=project.application).first()
    if kind == "offer":
        amount, parts = values[1], values[2]
        shares = [amount // parts] * parts
        shares[-1] += amount - sum(shares)
        services.award_offer(
            actor=manager,
            application=project.application,
            amount_pence=amount,
            instalments=[
                (share, None if index == 0 else index) for index, share in enumerate(shares) if share > 0
            ],
        )
    elif award is None:
        return
    elif kind == "respond":
        services.award_respond(actor=project.applicant, award=award, accept=values[1])
    elif kind == "pay":
        instalments = list(award.instalments.all())
        if values[1] < len(instalments):
            services.instalment_pay(
                actor=manager, instalment=instalments[values[1]], paid_on=timezone.localdate()
            )
    elif kind == "vary":
        variation = services.variation_request(
            actor=project.applicant, award=award, description="Change", amount_pence=values[1]
        )
        services.variation_decide(actor=manager, variation=variation, approve=values[2], reason="Decided")
    elif kind == "spend":
        line = project.application.budget_lines.get()
        services.spend_record(
            actor=project.applicant, award=award, period=f"Q{values[2]}", spend={line: values[1]}
        )
    elif kind == "claw_back":
        services.clawback_record(actor=manager, award=award, amount_pence=values[1], reason="Underspend")
    elif award.status == AwardStatus.ACCEPTED:
        services.final_report_send(actor=project.applicant, award=award, report="Done.")
        services.award_close(actor=manager, award=award)


def counted(awards: list[Award]) -> dict[str, int]:
    """The fund's figures from its rows, summed here one by one."""
    figures = {"committed": 0, "paid": 0, "spent": 0, "clawed_back": 0}
    for award in awards:
        varied = sum(
            v.amount_pence for v in Variation.objects.filter(award=award, status=VariationStatus.APPROVED)
        )
        paid = sum(i.amount_pence for i in Instalment.objects.filter(award=award) if i.paid_on is not None)
        spent = sum(s.amount_pence for s in Spend.objects.filter(award=award))
        clawed = sum(c.amount_pence for c in Clawback.objects.filter(award=award))
        granted = award.amount_pence + varied
        assert paid <= granted, "paid more than the award grants"
        assert clawed <= paid, "clawed back more than was paid"
        if award.status == AwardStatus.DECLINED:
            assert paid == 0
        held = {AwardStatus.DECLINED: 0, AwardStatus.CLOSED: paid - clawed}.get(
            award.status, granted - clawed
        )
        figures["committed"] += held
        figures["paid"] += paid
        figures["spent"] += spent
        figures["clawed_back"] += clawed
    return figures


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(total=st.integers(min_value=0, max_value=3_000_000), steps=st.lists(operation, max_size=25))
def test_every_total_reconciles_and_no_award_or_payment_exceeds_its_limit(world, manager, total, steps):
    projects = projects_of_a_new_fund(world.a, total)
    fund = projects[0].application.grant_round.fund
    for step in steps:
        with contextlib.suppress(GrantRefused):
            apply(step, projects[step[1]], manager)
        money = selectors.fund_money(fund)
        expected = counted(list(Award.objects.filter(application__grant_round__fund=fund)))
        assert {
            "committed": money.committed,
            "paid": money.paid,
            "spent": money.spent,
            "clawed_back": money.clawed_back,
        } == expected
        assert money.remaining == total - expected["committed"] >= 0, "the fund committed more than it holds"
