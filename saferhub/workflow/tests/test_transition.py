"""The engine, on the quarterly return (the first workflow built on it): refusals that say why, one step
and one audit event per transition, the permission, a stale copy of the record, and deadlines."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from saferhub.audit.models import AuditEvent, AuditVerb
from saferhub.performance import services
from saferhub.performance.models import QuarterlyReturn, ReturnSection, ReturnStatus, ReturnStep
from saferhub.workflow.definitions import DeadlineRule, TransitionRefused, workflow_of
from saferhub.workflow.models import Deadline
from saferhub.workflow.selectors import deadlines_due
from saferhub.workflow.services import transition
from tests.helpers import last_event_id, the_one_new_event

DUE = dt.date(2025, 10, 31)


@pytest.fixture
def draft(world, manager):
    _, opened = services.reporting_round_open(
        actor=manager, partnership=world.a, financial_year=2025, quarter=2, due_on=DUE
    )
    return opened[0]


@pytest.fixture
def complete(draft):
    QuarterlyReturn.objects.filter(pk=draft.pk).update(sections_completed=[s.value for s in ReturnSection])
    draft.refresh_from_db()
    return draft


def test_a_refused_transition_says_the_state_and_what_is_needed(draft, manager):
    with pytest.raises(TransitionRefused) as refused:
        transition(actor=manager, record=draft, name="accept")
    assert str(refused.value) == "This return is a draft; it can be accepted only when it is submitted"
    # The views catch the performance app's own error, which the return's workflow raises.
    assert isinstance(refused.value, services.ReturnNotAllowed)


def test_an_accepted_return_cannot_be_submitted_again(complete, lead, manager):
    services.return_submit(actor=lead, quarterly_return=complete)
    services.return_accept(actor=manager, quarterly_return=complete)
    with pytest.raises(services.ReturnNotAllowed) as refused:
        transition(actor=lead, record=complete, name="submit")
    assert str(refused.value) == (
        "This return is accepted; it can be submitted only when it is a draft or returned for changes"
    )


def test_a_transition_records_its_step_and_exactly_one_audit_event(complete, lead):
    before = last_event_id()
    submitted = transition(actor=lead, record=complete, name="submit", comment="All five sections.")
    event = the_one_new_event(before)
    assert (event.verb, event.actor, event.target_id, event.context, event.partnership) == (
        AuditVerb.UPDATED,
        lead,
        str(complete.public_id),
        {"status": "submitted"},
        complete.audit_partnership,
    )
    step = ReturnStep.objects.filter(quarterly_return=complete).last()
    assert (step.kind, step.actor, step.comment) == ("submitted", lead, "All five sections.")
    assert submitted.status == ReturnStatus.SUBMITTED and submitted.submitted_at is not None
    complete.refresh_from_db()
    assert complete.status == ReturnStatus.SUBMITTED


def test_opening_creates_the_record_with_one_created_event(draft, manager):
    events = AuditEvent.objects.filter(target_id=str(draft.public_id))
    assert [(e.verb, e.actor, e.context) for e in events] == [(AuditVerb.CREATED, manager, {})]
    assert [s.kind for s in draft.steps.all()] == ["opened"]
    with pytest.raises(services.ReturnNotAllowed, match="it can be opened once"):
        transition(actor=manager, record=draft, name="open")


def test_a_transition_the_role_does_not_allow_is_refused_and_audited(complete, world):
    analyst = world.people["analyst"]  # sees the partnership, but neither manages it nor leads the priority
    with pytest.raises(PermissionDenied):
        transition(actor=analyst, record=complete, name="submit")
    refusal = AuditEvent.objects.order_by("id").last()
    assert (refusal.verb, refusal.actor, refusal.context) == (
        AuditVerb.REFUSED,
        analyst,
        {"permission": "performance.edit_return"},
    )
    complete.refresh_from_db()
    assert complete.status == ReturnStatus.DRAFT
    assert [s.kind for s in complete.steps.all()] == ["opened"]


def test_a_second_submit_from_a_stale_copy_is_refused(complete, lead):
    """Two requests loaded the same draft; the engine reads it again under a row lock, so one wins."""
    first, second = QuarterlyReturn.objects.get(pk=complete.pk), QuarterlyReturn.objects.get(pk=complete.pk)
    transition(actor=lead, record=first, name="submit")
    with pytest.raises(services.ReturnNotAllowed, match="This return is submitted"):
        transition(actor=lead, record=second, name="submit")
    assert [s.kind for s in complete.steps.all()] == ["opened", "submitted"]


def test_a_check_and_a_needed_comment_refuse_before_anything_changes(draft, lead, manager):
    with pytest.raises(services.ReturnNotAllowed, match="Complete every section before you submit"):
        transition(actor=lead, record=draft, name="submit")
    QuarterlyReturn.objects.filter(pk=draft.pk).update(sections_completed=[s.value for s in ReturnSection])
    complete = transition(actor=lead, record=draft, name="submit")
    events = AuditEvent.objects.count()
    with pytest.raises(services.ReturnNotAllowed, match="only with a comment"):
        transition(actor=manager, record=complete, name="send_back", comment="  ")
    complete.refresh_from_db()
    assert complete.status == ReturnStatus.SUBMITTED
    assert AuditEvent.objects.count() == events


def test_deadlines_start_and_close_with_the_transitions(world, complete, lead, manager):
    def open_deadlines():
        return [(d.name, d.due_on, d.assignee) for d in complete.deadlines.filter(closed_at=None)]

    assert open_deadlines() == [("return due", DUE, lead)]
    services.return_submit(actor=lead, quarterly_return=complete)
    assert open_deadlines() == []
    assert complete.deadlines.get().closed_by == "submit"
    services.return_send_back(actor=manager, quarterly_return=complete, comment="Add Q2 arrests.")
    assert open_deadlines() == [("return due", DUE, lead)]
    services.return_submit(actor=lead, quarterly_return=complete)
    services.return_accept(actor=manager, quarterly_return=complete)
    assert open_deadlines() == []
    assert complete.deadlines.count() == 2


def test_what_is_due_for_a_partnership_or_a_person_before_a_date_is_one_query(
    world, draft, lead, manager, django_assert_num_queries
):
    week_after_due = DUE + dt.timedelta(days=7)
    with django_assert_num_queries(1):
        due = list(deadlines_due(partnership=world.a, before=week_after_due))
    assert [(d.name, d.due_on, d.target_id) for d in due] == [("return due", DUE, draft.pk)]
    assert list(deadlines_due(user=lead, partnership=world.a, before=week_after_due)) == due
    assert list(deadlines_due(user=manager, before=week_after_due)) == []
    assert list(deadlines_due(partnership=world.b, before=week_after_due)) == []
    assert list(deadlines_due(partnership=world.a, before=DUE)) == []  # due on the 31st, not before it
    assert Deadline.objects.get().record == draft


def test_a_deadline_in_working_days_counts_past_the_bank_holidays(draft):
    rule = DeadlineRule(name="review", days=3, working_days=True)
    assert rule.due_date(draft, dt.date(2026, 12, 23)) == dt.date(2026, 12, 30)
    assert DeadlineRule(name="review", days=3).due_date(draft, dt.date(2026, 12, 23)) == dt.date(2026, 12, 26)


def test_a_model_without_a_workflow_says_so(world):
    with pytest.raises(LookupError, match="Partnership has no workflow"):
        workflow_of(world.a)
