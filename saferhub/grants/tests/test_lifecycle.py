"""The funding cycle through its services, as the people in it would take it: apply, assess, decide, offer,
accept, pay, report, claw back and close. Each refusal says why, and changes nothing."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from saferhub.audit.models import AuditEvent, AuditVerb
from saferhub.grants import selectors, services
from saferhub.grants.models import (
    ApplicationSection,
    ApplicationStatus,
    Award,
    AwardStatus,
    Decision,
    GrantRound,
    ProjectReturnSection,
    Score,
)
from saferhub.grants.returns import PROJECT_RETURN
from saferhub.grants.tests.conftest import application_complete, quarter_reported
from saferhub.grants.workflows import GrantRefused
from saferhub.reporting import services as reporting
from saferhub.workflow.selectors import deadlines_due


def scored_and_moderated(funding, world, manager, application):
    services.eligibility_decide(actor=manager, application=application, eligible=True)
    first, second = funding.criteria
    for assessor in funding.assessors[:2]:
        services.scores_record(
            actor=assessor, application=application, scores={first: (4, "Strong fit"), second: (3, "")}
        )
    return services.moderation_record(
        actor=manager, application=application, agreed={first: (4, ""), second: (3, "Venue costs high")}
    )


def approved(funding, world, manager):
    submitted = services.application_submit(
        actor=funding.applicant, application=application_complete(funding, world)
    )
    application = scored_and_moderated(funding, world, manager, submitted)
    return services.application_decide(
        actor=manager,
        application=application,
        decision=Decision.APPROVE_WITH_CONDITIONS,
        reason="Scored 73%, above the pass mark",
        conditions="DBS checks for every youth worker before work starts.",
    )


def test_an_applicant_fills_in_the_task_list_and_submits_before_the_deadline(funding, world):
    application = application_complete(funding, world)
    assert application.sections_completed == [section.value for section in ApplicationSection]
    submitted = services.application_submit(actor=funding.applicant, application=application)
    assert submitted.status == ApplicationStatus.SUBMITTED and submitted.submitted_at is not None
    assert [step.kind for step in submitted.steps.all()] == ["start", "submit"]


def test_an_application_with_a_section_missing_is_refused_naming_it(funding, world):
    organisation = funding.applicant.applicant_memberships.get().organisation
    application = services.application_start(
        actor=funding.applicant, grant_round=funding.grant_round, organisation=organisation, title="Half done"
    )
    with pytest.raises(
        GrantRefused, match="Complete every section before you submit: Your organisation, The project"
    ):
        services.application_submit(actor=funding.applicant, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_a_late_submission_is_refused_with_the_closing_time(funding, world):
    application = application_complete(funding, world)
    closes = funding.grant_round.closes_at
    with (
        time_machine.travel(closes + dt.timedelta(minutes=1)),
        pytest.raises(GrantRefused, match=f"This round closed at {timezone.localtime(closes):%H:%M}"),
    ):
        services.application_submit(actor=funding.applicant, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_a_budget_that_does_not_add_up_to_the_request_is_refused_with_both_sums(funding, world):
    application = application_complete(funding, world)
    services.application_section_save(
        actor=funding.applicant,
        application=application,
        section=ApplicationSection.BUDGET,
        values={"lines": [("Youth workers", 900_000)]},
    )
    with pytest.raises(
        GrantRefused, match=r"The budget adds up to £9,000.00 but the application asks for £12,000.00"
    ):
        services.application_submit(actor=funding.applicant, application=application)


def test_asking_for_more_than_the_round_funds_is_refused(funding, world):
    application = application_complete(funding, world, amount_pence=2_500_000)
    with pytest.raises(
        GrantRefused, match=r"asks for £25,000.00; this round funds a project up to £20,000.00"
    ):
        services.application_submit(actor=funding.applicant, application=application)


def test_another_organisations_member_cannot_change_or_submit_it(funding, world):
    application = application_complete(funding, world)
    with pytest.raises(GrantRefused, match="Only the applicant organisation"):
        services.application_section_save(
            actor=funding.other_applicant,
            application=application,
            section=ApplicationSection.QUESTIONS,
            values={"answers": {"q1": "Hijacked"}},
        )
    with pytest.raises(PermissionDenied):
        services.application_submit(actor=funding.other_applicant, application=application)
    application.refresh_from_db()
    assert (
        application.answers["q1"] == "Through the schools." and application.status == ApplicationStatus.DRAFT
    )
    assert AuditEvent.objects.filter(verb=AuditVerb.REFUSED, actor=funding.other_applicant).count() == 1


def test_an_assessor_with_a_conflict_cannot_score_and_their_scores_are_withdrawn(funding, world, manager):
    application = services.application_submit(
        actor=funding.applicant, application=application_complete(funding, world)
    )
    services.eligibility_decide(actor=manager, application=application, eligible=True)
    conflicted = funding.assessors[2]
    first, _ = funding.criteria
    services.scores_record(actor=conflicted, application=application, scores={first: (5, "")})
    services.conflict_declare(actor=conflicted, application=application, reason="I chair its board")
    assert not Score.objects.filter(assessor=conflicted).exists()
    with pytest.raises(GrantRefused, match="declared no conflict"):
        services.scores_record(actor=conflicted, application=application, scores={first: (5, "")})


def test_a_score_outside_the_criterions_range_is_refused(funding, world, manager):
    application = services.application_submit(
        actor=funding.applicant, application=application_complete(funding, world)
    )
    services.eligibility_decide(actor=manager, application=application, eligible=True)
    first, _ = funding.criteria
    with pytest.raises(GrantRefused, match="from 0 to 5"):
        services.scores_record(actor=funding.assessors[0], application=application, scores={first: (6, "")})


def test_moderation_needs_every_criterion_agreed(funding, world, manager):
    application = services.application_submit(
        actor=funding.applicant, application=application_complete(funding, world)
    )
    services.eligibility_decide(actor=manager, application=application, eligible=True)
    first, second = funding.criteria
    with pytest.raises(GrantRefused, match=f"Agree a score for every criterion .*: {second.name}"):
        services.moderation_record(actor=manager, application=application, agreed={first: (4, "")})


def test_an_ineligible_application_needs_a_reason_and_goes_no_further(funding, world, manager):
    application = services.application_submit(
        actor=funding.applicant, application=application_complete(funding, world)
    )
    with pytest.raises(GrantRefused, match="Say why"):
        services.eligibility_decide(actor=manager, application=application, eligible=False)
    ruled = services.eligibility_decide(
        actor=manager, application=application, eligible=False, reason="Works outside the area"
    )
    assert ruled.status == ApplicationStatus.INELIGIBLE
    assert ruled.steps.last().comment == "Works outside the area"


def test_an_award_is_offered_accepted_paid_reported_clawed_back_and_closed(funding, world, manager):
    application = services.application_submit(
        actor=funding.applicant, application=application_complete(funding, world)
    )
    application = approved(funding, world, manager)
    assert application.decision == Decision.APPROVE_WITH_CONDITIONS and application.conditions
    award = services.award_offer(
        actor=manager,
        application=application,
        amount_pence=1_000_000,
        instalments=[(600_000, None), (400_000, 1)],
        respond_by=timezone.localdate() + dt.timedelta(days=28),
    )
    assert award.conditions == "DBS checks for every youth worker before work starts."
    assert [
        d.assignee
        for d in deadlines_due(user=funding.applicant, before=award.respond_by + dt.timedelta(days=1))
    ] == [funding.applicant]
    money = selectors.fund_money(funding.grant_round.fund)
    assert (money.committed, money.remaining) == (1_000_000, 4_000_000)

    award = services.award_respond(actor=funding.applicant, award=award, accept=True)
    first, second = award.instalments.all()
    services.instalment_pay(actor=manager, instalment=first, paid_on=timezone.localdate())
    with pytest.raises(GrantRefused, match="paid once the project's Q1 report is accepted"):
        services.instalment_pay(actor=manager, instalment=second, paid_on=timezone.localdate())
    workers, venue = application.budget_lines.all()
    accepted = quarter_reported(manager, award, funding.applicant, 1, {workers: 700_000, venue: 150_000})
    assert accepted.status == "accepted" and accepted.reporting_round.label == "2026/27 Q1"
    services.instalment_pay(actor=manager, instalment=second, paid_on=timezone.localdate())
    with pytest.raises(GrantRefused, match=r"holds £1,500.00 paid and not spent"):
        services.clawback_record(actor=manager, award=award, amount_pence=150_001, reason="Underspend")
    services.final_report_send(actor=funding.applicant, award=award, report="Forty young people reached.")
    services.clawback_record(actor=manager, award=award, amount_pence=150_000, reason="Underspend on venue")
    closed = services.award_close(actor=manager, award=award)
    assert closed.status == AwardStatus.CLOSED
    money = selectors.fund_money(funding.grant_round.fund)
    assert (money.committed, money.paid, money.spent, money.clawed_back, money.remaining) == (
        850_000,
        1_000_000,
        850_000,
        150_000,
        4_150_000,
    )
    assert [step.kind for step in closed.steps.all()] == ["offer", "accept", "report_final", "close"]


def test_no_award_exceeds_the_money_left_in_the_fund(funding, world, manager):
    funding.grant_round.fund.total_pence = 1_000_000
    funding.grant_round.fund.save()
    application = approved(funding, world, manager)
    with pytest.raises(
        GrantRefused, match=r"The fund has £10,000.00 left to offer, less than the £12,000.00"
    ):
        services.award_offer(
            actor=manager, application=application, amount_pence=1_200_000, instalments=[(1_200_000, None)]
        )
    assert not Award.objects.filter(application=application).exists()


def test_instalments_must_add_up_to_the_award(funding, world, manager):
    application = approved(funding, world, manager)
    with pytest.raises(
        GrantRefused, match=r"The instalments add up to £9,000.00, not the award's £10,000.00"
    ):
        services.award_offer(
            actor=manager, application=application, amount_pence=1_000_000, instalments=[(900_000, None)]
        )


def test_an_offer_lapses_at_its_date(funding, world, manager):
    application = approved(funding, world, manager)
    respond_by = timezone.localdate() + dt.timedelta(days=28)
    award = services.award_offer(
        actor=manager,
        application=application,
        amount_pence=1_000_000,
        instalments=[(1_000_000, None)],
        respond_by=respond_by,
    )
    with (
        time_machine.travel(respond_by + dt.timedelta(days=1)),
        pytest.raises(GrantRefused, match=f"This offer lapsed on {respond_by:%-d %B %Y}"),
    ):
        services.award_respond(actor=funding.applicant, award=award, accept=True)


def test_a_variation_is_decided_in_writing_and_an_increase_never_exceeds_the_fund(funding, world, manager):
    application = approved(funding, world, manager)
    award = services.award_offer(
        actor=manager, application=application, amount_pence=1_000_000, instalments=[(1_000_000, None)]
    )
    award = services.award_respond(actor=funding.applicant, award=award, accept=True)
    above_the_rounds_most = services.variation_request(
        actor=funding.applicant, award=award, description="A second site", amount_pence=1_000_001
    )
    with pytest.raises(
        GrantRefused, match=r"at most £20,000.00: this variation would take the award to £20,000.01"
    ):
        services.variation_decide(
            actor=manager, variation=above_the_rounds_most, approve=True, reason="Agreed"
        )
    services.variation_decide(actor=manager, variation=above_the_rounds_most, approve=False, reason="Too big")
    # A round that allows more than its fund has left: the fund's money is what refuses.
    GrantRound.objects.filter(pk=funding.grant_round.pk).update(max_award_pence=10_000_000)
    too_much = services.variation_request(
        actor=funding.applicant, award=award, description="More sessions", amount_pence=4_000_001
    )
    with pytest.raises(GrantRefused, match=r"The fund has £40,000.00 left, less than the £40,000.01"):
        services.variation_decide(actor=manager, variation=too_much, approve=True, reason="Agreed")
    services.variation_decide(actor=manager, variation=too_much, approve=False, reason="Too much this year")
    more = services.variation_request(
        actor=funding.applicant, award=award, description="Two more sessions", amount_pence=100_000
    )
    services.variation_decide(actor=manager, variation=more, approve=True, reason="Good results so far")
    money = selectors.fund_money(funding.grant_round.fund)
    assert (money.committed, money.remaining) == (1_100_000, 3_900_000)
    assert [v.status for v in award.variations.all()] == ["refused", "refused", "approved"]


def test_only_the_partnerships_managers_pay(funding, world, manager):
    application = approved(funding, world, manager)
    award = services.award_offer(
        actor=manager, application=application, amount_pence=1_000_000, instalments=[(1_000_000, None)]
    )
    award = services.award_respond(actor=funding.applicant, award=award, accept=True)
    for someone in (funding.applicant, world.people["grant_assessor"], world.people["other_manager"]):
        with pytest.raises(GrantRefused, match="Only the partnership's managers"):
            services.instalment_pay(
                actor=someone, instalment=award.instalments.get(), paid_on=timezone.localdate()
            )
    assert selectors.fund_money(funding.grant_round.fund).paid == 0


def test_an_offer_not_accepted_by_its_date_gives_its_money_back_and_longer_takes_it_again(
    funding, world, manager
):
    application = approved(funding, world, manager)
    respond_by = timezone.localdate() + dt.timedelta(days=3)
    award = services.award_offer(
        actor=manager,
        application=application,
        amount_pence=1_000_000,
        instalments=[(1_000_000, None)],
        respond_by=respond_by,
    )
    fund = funding.grant_round.fund
    with time_machine.travel(respond_by + dt.timedelta(days=1)):
        assert selectors.fund_money(fund).committed == 0
        fund.total_pence = 500_000
        fund.save()
        with pytest.raises(GrantRefused, match=r"which has £5,000.00 left, less than the £10,000.00 offered"):
            services.offer_extend(actor=manager, award=award, respond_by=respond_by + dt.timedelta(days=14))
        fund.total_pence = 5_000_000
        fund.save()
        services.offer_extend(actor=manager, award=award, respond_by=respond_by + dt.timedelta(days=14))
        assert selectors.fund_money(fund).committed == 1_000_000
        assert services.award_respond(actor=funding.applicant, award=award, accept=True).status == "accepted"


def test_a_variation_keeps_the_payment_schedule_adding_up_to_the_award(funding, world, manager):
    award = services.award_offer(
        actor=manager,
        application=approved(funding, world, manager),
        amount_pence=1_000_000,
        instalments=[(500_000, None), (300_000, 1), (200_000, 2)],
    )
    award = services.award_respond(actor=funding.applicant, award=award, accept=True)
    services.instalment_pay(
        actor=manager, instalment=award.instalments.get(position=1), paid_on=timezone.localdate()
    )
    less = services.variation_request(
        actor=funding.applicant, award=award, description="Fewer sessions", amount_pence=-350_000
    )
    services.variation_decide(actor=manager, variation=less, approve=True, reason="Agreed")
    assert [(i.position, i.amount_pence) for i in award.instalments.all()] == [(1, 500_000), (2, 150_000)]
    more = services.variation_request(
        actor=funding.applicant, award=award, description="A summer week", amount_pence=80_000
    )
    services.variation_decide(actor=manager, variation=more, approve=True, reason="Agreed")
    assert (
        sum(i.amount_pence for i in award.instalments.all())
        == selectors.award_money(award).granted
        == 730_000
    )


def test_a_conflict_cannot_be_declared_once_the_application_is_moderated(funding, world, manager):
    application = approved(funding, world, manager)
    with pytest.raises(GrantRefused, match="a conflict is declared before it is moderated"):
        services.conflict_declare(actor=funding.assessors[0], application=application, reason="Late")
    assert Score.objects.filter(application=application, assessor=funding.assessors[0]).count() == 2


def test_only_the_funded_organisation_or_a_manager_fills_in_a_project_report(funding, world, manager):
    award = services.award_offer(
        actor=manager,
        application=approved(funding, world, manager),
        amount_pence=1_000_000,
        instalments=[(1_000_000, None)],
    )
    award = services.award_respond(actor=funding.applicant, award=award, accept=True)
    fund = funding.grant_round.fund
    reporting_round, _ = services.project_returns_open(
        actor=manager, fund=fund, financial_year=fund.financial_year, quarter=1, due_on=dt.date(2026, 7, 31)
    )
    report = reporting_round.returns.get()
    for someone in (funding.other_applicant, funding.assessors[0]):
        with pytest.raises(GrantRefused, match="Only the funded organisation"):
            services.project_return_section_save(
                actor=someone,
                project_return=report,
                section=ProjectReturnSection.PROGRESS,
                values={"progress": "x"},
            )
    line = award.application.budget_lines.first()
    with pytest.raises(GrantRefused, match="whole pence"):
        services.project_return_section_save(
            actor=funding.applicant,
            project_return=report,
            section=ProjectReturnSection.SPEND,
            values={"spend": {str(line.public_id): "12.50"}},
        )
    services.project_return_section_save(
        actor=funding.applicant,
        project_return=report,
        section=ProjectReturnSection.PROGRESS,
        values={"progress": "Going well", "status": "accepted"},  # only the section's own field is written
    )
    report.refresh_from_db()
    assert (report.progress, report.status) == ("Going well", "draft")


def test_a_project_reports_emails_render_with_a_link(
    funding, world, manager, django_capture_on_commit_callbacks
):
    award = services.award_offer(
        actor=manager,
        application=approved(funding, world, manager),
        amount_pence=1_000_000,
        instalments=[(1_000_000, None)],
    )
    services.award_respond(actor=funding.applicant, award=award, accept=True)
    fund = funding.grant_round.fund
    due = timezone.localdate() + dt.timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        services.project_returns_open(
            actor=manager, fund=fund, financial_year=fund.financial_year, quarter=3, due_on=due
        )
        assert reporting.reminders_send(kind=PROJECT_RETURN, today=timezone.localdate()) == 1
    [email] = mail.outbox
    assert email.to == [funding.applicant.email] and "project report is due soon" in email.subject
    assert "/funding/" in email.body
