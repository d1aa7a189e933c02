"""A second kind of return needs no copied code: the grant returns of `tests/reporting_example`, declared
in a few lines over three small models, are opened, filled in, checked, submitted, returned, accepted,
reminded and listed as overdue by the same services and selectors as the theme leads' quarterly returns."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.http import Http404

from saferhub.audit.models import AuditEvent, AuditVerb
from saferhub.performance.models import QuarterlyReturn
from saferhub.performance.returns import QUARTERLY_RETURN
from saferhub.reporting import selectors, services
from saferhub.reporting.definitions import ReturnNotAllowed, return_kind_of
from saferhub.reporting.models import ReturnStatus
from saferhub.workflow.selectors import deadlines_due
from tests.reporting_example.kind import GRANT_RETURN
from tests.reporting_example.models import GrantReturn

DUE = dt.date(2026, 4, 30)


@pytest.fixture
def opened(world, manager):
    grant_year, returns = services.round_open(
        kind=GRANT_RETURN, actor=manager, partnership=world.a, period={"year": 2025}, due_on=DUE
    )
    return grant_year, returns[0]


def fill_in(grant_return, lead):
    services.section_save(
        actor=lead, record=grant_return, section="spending", values={"spend": Decimal("1200")}
    )
    services.section_save(
        actor=lead, record=grant_return, section="outcomes", values={"outcomes": "Forty stops."}
    )


def test_a_round_opens_a_return_for_each_subject_addressed_to_its_lead_once(world, manager, lead):
    grant_year, opened = services.round_open(
        kind=GRANT_RETURN, actor=manager, partnership=world.a, period={"year": 2025}, due_on=DUE
    )
    assert grant_year.label == "2025/26 grant"
    assert [str(r.deliverable) for r in opened] == ["Target repeat shoplifting offenders"]
    assert opened[0].status == ReturnStatus.DRAFT
    assert [s.kind for s in opened[0].steps.all()] == ["opened"]
    assert [(d.assignee, d.due_on) for d in deadlines_due(user=lead, before=DUE + dt.timedelta(days=1))] == [
        (lead, DUE)
    ]
    again, opened_again = services.round_open(
        kind=GRANT_RETURN, actor=manager, partnership=world.a, period={"year": 2025}, due_on=DUE
    )
    assert again == grant_year and opened_again == []


def test_each_kind_keeps_its_own_declaration(opened):
    _, grant_return = opened
    assert return_kind_of(grant_return) is GRANT_RETURN
    assert return_kind_of(QuarterlyReturn()) is QUARTERLY_RETURN


def test_saved_sections_come_back_and_the_check_lists_what_is_missing(opened, lead):
    _, grant_return = opened
    services.section_save(actor=lead, record=grant_return, section="spending", values={"spend": None})
    assert services.missing_sections(grant_return) == ["What the grant was spent on", "What it achieved"]
    with pytest.raises(ReturnNotAllowed, match="Complete every section before you submit: What the grant"):
        services.return_submit(actor=lead, record=grant_return)
    fill_in(grant_return, lead)
    assert grant_return.spend == Decimal("1200")
    assert grant_return.outcomes == "Forty stops."
    assert services.missing_sections(grant_return) == []


def test_submitted_returned_with_a_comment_then_accepted(
    world, opened, lead, manager, django_capture_on_commit_callbacks
):
    _, grant_return = opened
    fill_in(grant_return, lead)
    services.return_submit(actor=lead, record=grant_return)
    assert grant_return.status == ReturnStatus.SUBMITTED
    with pytest.raises(ReturnNotAllowed, match="cannot be changed now"):
        services.section_save(actor=lead, record=grant_return, section="outcomes", values={"outcomes": "x"})
    with pytest.raises(PermissionDenied):
        services.return_accept(actor=lead, record=grant_return)

    with django_capture_on_commit_callbacks(execute=True):
        services.return_send_back(actor=manager, record=grant_return, comment="Split the spend by month.")
    assert grant_return.status == ReturnStatus.RETURNED
    assert [m.subject for m in mail.outbox] == [
        "Your 2025/26 grant return needs changes: Target repeat shoplifting offenders"
    ]
    assert "Split the spend by month." in mail.outbox[0].body
    assert f"/p/alpha/grants/returns/{grant_return.public_id}/" in mail.outbox[0].body

    services.return_submit(actor=lead, record=grant_return)
    accepted = services.return_accept(actor=manager, record=grant_return, comment="Thank you.")
    assert accepted.status == grant_return.status == ReturnStatus.ACCEPTED
    assert grant_return.decided_at is not None
    assert [(s.kind, s.actor, s.comment) for s in grant_return.steps.all()] == [
        ("opened", manager, ""),
        ("submitted", lead, ""),
        ("returned", manager, "Split the spend by month."),
        ("submitted", lead, ""),
        ("accepted", manager, "Thank you."),
    ]
    audited = AuditEvent.objects.filter(target_id=grant_return.public_id, verb=AuditVerb.UPDATED)
    assert [e.context["status"] for e in audited.order_by("id") if "status" in e.context] == [
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]


def test_reminders_go_before_and_after_the_due_date_once_each(
    opened, lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(kind=GRANT_RETURN, today=DUE - dt.timedelta(days=8)) == 0
        assert services.reminders_send(kind=GRANT_RETURN, today=DUE - dt.timedelta(days=7)) == 1
        assert services.reminders_send(kind=GRANT_RETURN, today=DUE) == 0
        assert services.reminders_send(kind=GRANT_RETURN, today=DUE + dt.timedelta(days=3)) == 1
        assert services.reminders_send(kind=GRANT_RETURN, today=DUE + dt.timedelta(days=30)) == 0
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("Your 2025/26 grant return is due soon: Target repeat shoplifting offenders", [lead.email]),
        ("Your 2025/26 grant return is late: Target repeat shoplifting offenders", [lead.email]),
    ]
    assert "30 April 2026" in mail.outbox[0].body


def test_the_daily_command_reminds_the_leads_of_every_kind_of_return(
    opened, lead, django_capture_on_commit_callbacks
):
    out = StringIO()
    with (
        time_machine.travel(dt.datetime(2026, 4, 23, 9, tzinfo=dt.UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("send_return_reminders", stdout=out)
    assert f"{GRANT_RETURN.name}: 1" in out.getvalue()
    assert f"{QUARTERLY_RETURN.name}: 0" in out.getvalue()
    assert [m.subject for m in mail.outbox] == [
        "Your 2025/26 grant return is due soon: Target repeat shoplifting offenders"
    ]


def test_overdue_returns_for_the_partnership_and_for_its_lead_until_submitted(world, opened, lead, manager):
    _, grant_return = opened
    after = DUE + dt.timedelta(days=1)
    assert selectors.overdue_returns(GRANT_RETURN, partnership=world.a, today=DUE) == []
    assert selectors.overdue_returns(GRANT_RETURN, partnership=world.a, today=after) == [grant_return]
    assert selectors.overdue_returns(GRANT_RETURN, lead=lead, today=after) == [grant_return]
    assert selectors.overdue_returns(GRANT_RETURN, lead=manager, today=after) == []
    assert selectors.overdue_returns(GRANT_RETURN, partnership=world.b, today=after) == []
    fill_in(grant_return, lead)
    services.return_submit(actor=lead, record=grant_return)
    assert selectors.overdue_returns(GRANT_RETURN, partnership=world.a, today=after) == []


def test_a_return_is_its_leads_and_the_managers_only(world, opened, lead, manager):
    grant_year, grant_return = opened
    assert list(selectors.round_returns(GRANT_RETURN, manager, grant_year)) == [grant_return]
    assert selectors.return_in(GRANT_RETURN, lead, world.a, grant_return.public_id) == grant_return
    with pytest.raises(Http404):
        selectors.return_in(GRANT_RETURN, world.people["analyst"], world.a, grant_return.public_id)
    with pytest.raises(Http404):
        selectors.return_in(GRANT_RETURN, world.people["other_manager"], world.b, grant_return.public_id)
    assert selectors.section_names(GRANT_RETURN) == [
        ("spending", "What the grant was spent on"),
        ("outcomes", "What it achieved"),
    ]
    assert GrantReturn.objects.count() == 1
