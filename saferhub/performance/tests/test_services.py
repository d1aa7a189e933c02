"""The return lifecycle, opening rounds, reminders (with the clock moved) and the board pack."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from saferhub.audit.models import AuditEvent, AuditVerb
from saferhub.performance import services
from saferhub.performance.models import MeasureValue, QuarterlyReturn, ReturnStatus
from saferhub.performance.tests.factories import ManualMeasureFactory
from saferhub.plans.tests.factories import PriorityFactory

ALL_SECTIONS = ["progress", "themes", "measures", "risks", "assessment"]


@pytest.fixture
def opened(world, manager):
    reporting_round, returns = services.reporting_round_open(
        actor=manager, partnership=world.a, financial_year=2025, quarter=2, due_on=dt.date(2025, 10, 31)
    )
    return reporting_round, returns[0]


def fill_in(quarterly_return, lead, *, summary="Retail crime fell 12% after Shopwatch.", figure="24"):
    measure = quarterly_return.priority.measures.first()
    values = {
        "progress": {"deliverable_progress": {"x": "Thirty offenders on the programme."}},
        "themes": {"theme_contributions": {"y": "Joint visits with the DA service."}},
        "measures": {"measure_figures": {str(measure.public_id): {"value": figure, "comment": "Up"}}}
        if measure
        else {},
        "risks": {"risks_and_issues": "Staff shortage in Q3.", "help_needed": "Funding for radios."},
        "assessment": {"self_assessment": "amber", "summary": summary},
    }
    for section in ALL_SECTIONS:
        services.return_section_save(
            actor=lead, quarterly_return=quarterly_return, section=section, values=values[section]
        )


def test_opening_a_round_opens_a_return_for_each_priority_once(world, manager):
    reporting_round, opened = services.reporting_round_open(
        actor=manager, partnership=world.a, financial_year=2025, quarter=2, due_on=dt.date(2025, 10, 31)
    )
    assert reporting_round.label == "2025/26 Q2"
    assert reporting_round.months_label == "July to September 2025"
    assert [r.priority.title for r in opened] == ["Business Crime"]
    assert opened[0].status == ReturnStatus.DRAFT
    assert [s.kind for s in opened[0].steps.all()] == ["opened"]
    # Again, after a priority was added: only the new priority gets a return; the due date stays.
    PriorityFactory(plan=world.records["a"]["plan"], title="Serious violence")
    again, opened_again = services.reporting_round_open(
        actor=manager, partnership=world.a, financial_year=2025, quarter=2, due_on=dt.date(2025, 12, 1)
    )
    assert again == reporting_round
    assert again.due_on == dt.date(2025, 10, 31)
    assert [r.priority.title for r in opened_again] == ["Serious violence"]
    assert QuarterlyReturn.objects.filter(reporting_round=reporting_round).count() == 2


def test_the_return_lifecycle_keeps_every_step(world, manager, lead, opened):
    _, quarterly_return = opened
    measure = ManualMeasureFactory(priority=quarterly_return.priority)
    with pytest.raises(services.ReturnNotAllowed, match="Complete every section"):
        services.return_submit(actor=lead, quarterly_return=quarterly_return)

    fill_in(quarterly_return, lead)
    services.return_submit(actor=lead, quarterly_return=quarterly_return)
    assert quarterly_return.status == ReturnStatus.SUBMITTED
    with pytest.raises(services.ReturnNotAllowed, match="cannot be changed now"):
        services.return_section_save(
            actor=lead, quarterly_return=quarterly_return, section="risks", values={"help_needed": "x"}
        )

    services.return_send_back(actor=manager, quarterly_return=quarterly_return, comment="Add Q2 arrests.")
    assert quarterly_return.status == ReturnStatus.RETURNED
    assert not MeasureValue.objects.exists()  # a returned figure never reaches the series

    fill_in(quarterly_return, lead, figure="26")
    services.return_submit(actor=lead, quarterly_return=quarterly_return)
    services.return_accept(actor=manager, quarterly_return=quarterly_return)
    assert quarterly_return.status == ReturnStatus.ACCEPTED
    with pytest.raises(services.ReturnNotAllowed):
        services.return_accept(actor=manager, quarterly_return=quarterly_return)

    steps = [(s.kind, s.actor, s.comment) for s in quarterly_return.steps.all()]
    assert steps == [
        ("opened", manager, ""),
        ("submitted", lead, ""),
        ("returned", manager, "Add Q2 arrests."),
        ("submitted", lead, ""),
        ("accepted", manager, ""),
    ]
    figure = MeasureValue.objects.get(measure=measure)
    assert (figure.period, figure.value, figure.period_end) == (
        "2025/26 Q2",
        Decimal(26),
        dt.date(2025, 9, 30),
    )
    statuses = [h.status for h in quarterly_return.history.order_by("history_date")]
    assert statuses[-1] == "accepted" and "returned" in statuses
    audited = AuditEvent.objects.filter(
        target_id=str(quarterly_return.public_id), verb=AuditVerb.UPDATED
    ).order_by("id")
    assert [e.context.get("status") for e in audited if "status" in e.context] == [
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]


def test_returning_it_emails_the_lead_the_comment(
    world, manager, lead, opened, django_capture_on_commit_callbacks
):
    _, quarterly_return = opened
    fill_in(quarterly_return, lead)
    services.return_submit(actor=lead, quarterly_return=quarterly_return)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_send_back(actor=manager, quarterly_return=quarterly_return, comment="Add Q2 arrests.")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [lead.email]
    assert "returned to you" in mail.outbox[0].subject
    assert "Add Q2 arrests." in mail.outbox[0].body


def test_the_email_is_plain_text_not_html_escaped(
    world, manager, lead, opened, django_capture_on_commit_callbacks
):
    _, quarterly_return = opened
    fill_in(quarterly_return, lead)
    services.return_submit(actor=lead, quarterly_return=quarterly_return)
    comment = "Add Q2 arrests & <b>stops</b>, and don't round."
    with django_capture_on_commit_callbacks(execute=True):
        services.return_send_back(actor=manager, quarterly_return=quarterly_return, comment=comment)
    assert comment in mail.outbox[0].body
    assert "&amp;" not in mail.outbox[0].body


def send_reminders(capture) -> str:
    out = StringIO()
    with capture(execute=True):
        call_command("send_return_reminders", stdout=out)
    return out.getvalue()


def test_reminders_go_before_and_after_the_due_date_once_each(
    world, lead, opened, django_capture_on_commit_callbacks
):
    _, quarterly_return = opened  # due 31 October, reminders 7 days before and 3 after
    with time_machine.travel(dt.datetime(2025, 10, 23, 9, tzinfo=dt.UTC)):
        assert "Sent 0 reminders" in send_reminders(django_capture_on_commit_callbacks)
    with time_machine.travel(dt.datetime(2025, 10, 24, 9, tzinfo=dt.UTC)):
        assert "Sent 1 reminder." in send_reminders(django_capture_on_commit_callbacks)
        assert "Sent 0 reminders" in send_reminders(django_capture_on_commit_callbacks)
    with time_machine.travel(dt.datetime(2025, 10, 31, 9, tzinfo=dt.UTC)):
        assert "Sent 0 reminders" in send_reminders(django_capture_on_commit_callbacks)
    with time_machine.travel(dt.datetime(2025, 11, 3, 9, tzinfo=dt.UTC)):
        assert "Sent 1 reminder." in send_reminders(django_capture_on_commit_callbacks)
    with time_machine.travel(dt.datetime(2025, 11, 20, 9, tzinfo=dt.UTC)):
        assert "Sent 0 reminders" in send_reminders(django_capture_on_commit_callbacks)
    assert [m.subject for m in mail.outbox] == [
        "Your 2025/26 Q2 return is due soon: Business Crime",
        "Your 2025/26 Q2 return is overdue: Business Crime",
    ]
    assert all(m.to == [lead.email] for m in mail.outbox)
    assert "31 October 2025" in mail.outbox[0].body
    assert f"/p/alpha/performance/returns/{quarterly_return.public_id}/" in mail.outbox[0].body


def test_no_reminder_for_a_submitted_return(world, lead, opened, django_capture_on_commit_callbacks):
    _, quarterly_return = opened
    fill_in(quarterly_return, lead)
    services.return_submit(actor=lead, quarterly_return=quarterly_return)
    with time_machine.travel(dt.datetime(2025, 11, 3, 9, tzinfo=dt.UTC)):
        assert "Sent 0 reminders" in send_reminders(django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_the_command_opens_returns(world):
    out = StringIO()
    call_command(
        "open_quarterly_returns",
        "--partnership",
        "alpha",
        "--quarter",
        "2025/26-Q2",
        "--due",
        "2025-10-31",
        stdout=out,
    )
    assert "2025/26 Q2 for Alpha Community Safety Partnership: due 31 October 2025; 1 return opened now" in (
        out.getvalue()
    )
    call_command(
        "open_quarterly_returns",
        "--partnership",
        "alpha",
        "--quarter",
        "2025/26-Q2",
        "--due",
        "2025-10-31",
        stdout=out,
    )
    assert QuarterlyReturn.objects.count() == 1


def test_the_board_pack_puts_exceptions_first_and_holds_the_narrative(world, manager, lead, opened):
    reporting_round, quarterly_return = opened
    quiet = PriorityFactory(plan=world.records["a"]["plan"], title="Anti-social behaviour")
    ManualMeasureFactory(
        priority=quiet, title="Reports of ASB", direction="reduce", target_value=Decimal(100)
    )
    services.measure_value_record(
        actor=manager,
        measure=quiet.measures.get(),
        period="2025/26 Q1",
        period_end=dt.date(2025, 6, 30),
        value=Decimal(90),
    )
    fill_in(quarterly_return, lead, summary="Retail crime <b>fell</b> after Shopwatch.")
    services.return_submit(actor=lead, quarterly_return=quarterly_return)
    pack = services.board_pack_generate(actor=manager, reporting_round=reporting_round)
    titles = [p["title"] for p in pack.snapshot["priorities"]]
    assert titles == ["Business Crime", "Anti-social behaviour"]  # amber (self-assessed) before green
    assert pack.snapshot["priorities"][0]["summary"] == "Retail crime <b>fell</b> after Shopwatch."
    assert pack.snapshot["priorities"][1]["rag"] == "green"
    assert pack.snapshot["actions"][0]["description"] == "Report on night-time economy"
    assert pack.snapshot["funded_projects"] == []  # partnership A funds no projects
    services.board_pack_publish(actor=manager, pack=pack)
    with pytest.raises(services.ReturnNotAllowed, match="published"):
        services.board_pack_generate(actor=manager, reporting_round=reporting_round)


def test_a_quarters_board_pack_judges_the_figures_up_to_the_quarters_end(world, manager, opened):
    """A Q2 pack made later shows Q2 as it was: a Q3 figure is neither its latest nor in its series."""
    reporting_round, _ = opened
    measure = ManualMeasureFactory(
        priority=world.records["a"]["priority"], direction="reduce", target_value=Decimal(100)
    )
    for period, end, value in [
        ("2025/26 Q2", dt.date(2025, 9, 30), 90),
        ("2025/26 Q3", dt.date(2025, 12, 31), 500),
    ]:
        services.measure_value_record(
            actor=manager, measure=measure, period=period, period_end=end, value=Decimal(value)
        )
    pack = services.board_pack_generate(actor=manager, reporting_round=reporting_round)
    snapshot = next(m for m in pack.snapshot["priorities"][0]["measures"] if m["title"] == measure.title)
    assert [p["period"] for p in snapshot["points"]] == ["2025/26 Q2"]
    assert (snapshot["latest"], snapshot["latest_period"], snapshot["rag"]) == (90, "2025/26 Q2", "green")
