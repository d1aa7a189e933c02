"""The funding cycle through its services, as the people in it would take it: apply, assess, decide, offer,
accept, pay, report, claw back and close. Each refusal says why, and changes nothing."""

import datetime as dt

import pytest
import time_machine
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
    Score,
)
from saferhub.grants.tests.conftest import application_complete, quarter_reported
from saferhub.grants.workflows import GrantRefused
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
    assert [v.status for v in award.variations.all()] == ["refused", "approved"]


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
