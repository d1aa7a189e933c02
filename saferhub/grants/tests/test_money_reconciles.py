"""Every total reconciles, whatever happens to a fund: hypothesis offers, accepts, declines, pays, varies,
reports spend (directly and in accepted quarterly reports), claws back and closes at random through the
services, and after every step the fund's figures are checked against sums of its records counted here, row
by row. A step the services refuse (with their own words) changes nothing, and the checks still hold."""

import contextlib
from dataclasses import dataclass

from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
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
from saferhub.grants.tests.conftest import quarter_reported
from saferhub.grants.tests.factories import (
    ApplicantMemberFactory,
    ApplicationFactory,
    FundFactory,
    GrantRoundFactory,
)
from saferhub.workflow.definitions import TransitionRefused

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
    st.tuples(st.just("report"), st.integers(0, PROJECTS - 1), st.integers(1, 3), st.integers(0, 1_500_000)),
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


def apply(step: tuple, project: Project, manager) -> bool:
    """Take the step through the services; False when there was nothing to take it on (no award yet)."""
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
        return False
    elif kind == "respond":
        services.award_respond(actor=project.applicant, award=award, accept=values[1])
    elif kind == "pay":
        instalments = list(award.instalments.all())
        if values[1] >= len(instalments):
            return False
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
        services.spend_record(actor=manager, award=award, period=f"Q{values[2]}", spend={line: values[1]})
    elif kind in ("report", "close") and award.status != AwardStatus.ACCEPTED:
        return False
    elif kind == "report":
        line = project.application.budget_lines.get()
        quarter_reported(manager, award, project.applicant, values[1], {line: values[2]})
    elif kind == "claw_back":
        services.clawback_record(actor=manager, award=award, amount_pence=values[1], reason="Underspend")
    else:
        services.final_report_send(actor=project.applicant, award=award, report="Done.")
        services.award_close(actor=manager, award=award)
    return True


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
            assert paid == 0, "paid a declined offer"
            held = 0
        elif award.status == AwardStatus.CLOSED:
            held = paid - clawed
        else:
            held = granted - clawed
        figures["committed"] += held
        figures["paid"] += paid
        figures["spent"] += spent
        figures["clawed_back"] += clawed
    return figures


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    total=st.integers(min_value=0, max_value=5_000_000),
    # Each project is first offered an award (refused when the fund cannot afford it), then answers it.
    offers=st.lists(st.tuples(PENCE, st.integers(1, 3), st.booleans()), min_size=PROJECTS, max_size=PROJECTS),
    steps=st.lists(operation, min_size=8, max_size=25),
)
def test_every_total_reconciles_and_no_award_or_payment_exceeds_its_limit(
    world, manager, total, offers, steps
):
    projects = projects_of_a_new_fund(world.a, total)
    fund = projects[0].application.grant_round.fund
    opening = [
        step
        for index, (amount, parts, accept) in enumerate(offers)
        for step in (
            ("offer", index, amount, parts),
            ("respond", index, accept),
        )
    ]
    for step in opening + steps:
        with contextlib.suppress(TransitionRefused):
            if apply(step, projects[step[1]], manager):
                event(f"{step[0]} went through")  # --hypothesis-show-statistics: how often each kind did
        money = selectors.fund_money(fund)
        expected = counted(list(Award.objects.filter(application__grant_round__fund=fund)))
        assert {
            "committed": money.committed,
            "paid": money.paid,
            "spent": money.spent,
            "clawed_back": money.clawed_back,
        } == expected
        assert money.remaining == total - expected["committed"] >= 0, "the fund committed more than it holds"
