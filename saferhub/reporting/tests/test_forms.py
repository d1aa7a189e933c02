"""The forms every kind of return shares, worded for the kind that uses them: what a manager is told when
opening a quarter is refused, and when a decision is."""

import datetime as dt
from types import SimpleNamespace
from typing import Any

import time_machine

from saferhub.reporting.forms import QuarterOpenForm, ReturnDecisionForm

TODAY = dt.date(2026, 12, 2)
YESTERDAY = TODAY - dt.timedelta(days=1)
OPEN_Q2 = SimpleNamespace(label="2026/27 Q2", due_on=dt.date(2026, 10, 31))


def quarter_form(
    data: dict[str, str], open_rounds: dict[tuple[int, int], Any] | None = None
) -> QuarterOpenForm:
    rounds = open_rounds or {}
    return QuarterOpenForm(
        data,
        existing=lambda financial_year, quarter: rounds.get((financial_year, quarter)),
        noun="reports",
        owner="the project",
        added_since="projects started since",
    )


def quarter(due_on: dt.date, **changes: str) -> dict[str, str]:
    return {
        "quarter": "2",
        "financial_year": "2026",
        "due_on": due_on.isoformat(),
        "remind_days_before": "7",
        "remind_days_after": "3",
        **changes,
    }


@time_machine.travel(TODAY)
def test_the_quarter_form_is_worded_for_its_kind_and_its_example_year_is_this_financial_year():
    form = quarter_form({})
    assert form.fields["due_on"].label == "Reports are due on"
    assert form.fields["remind_days_before"].label == "Remind the project this many days before the due date"
    assert form.fields["remind_days_after"].label == (
        "Remind the project this many days after the due date, if still not submitted"
    )
    assert form.fields["financial_year"].help_text == "2026 for 2026/27"
    assert not form.is_valid()
    assert form.errors["due_on"] == ["Enter the date reports are due"]
    assert form.errors["quarter"] == ["Select the quarter"]
    with time_machine.travel(dt.date(2027, 3, 31)):  # still 2026/27 until April
        assert quarter_form({}).fields["financial_year"].help_text == "2026 for 2026/27"
    bad_year = quarter_form(quarter(TODAY, financial_year="soon"))
    assert not bad_year.is_valid()
    assert bad_year.errors["financial_year"] == ["Enter a year, like 2026"]


@time_machine.travel(TODAY)
def test_a_new_quarter_cannot_be_due_in_the_past_but_today_will_do():
    past = quarter_form(quarter(YESTERDAY))
    assert not past.is_valid()
    assert past.errors["due_on"] == ["Enter a due date today or later"]
    today = quarter_form(quarter(TODAY))
    assert today.is_valid(), today.errors
    assert today.cleaned_data["quarter"] == 2  # the services take the quarter as a number


@time_machine.travel(TODAY)
def test_a_quarter_already_open_is_opened_again_only_with_its_own_due_date():
    open_rounds = {(2026, 2): OPEN_Q2}
    # Its date is in the past now, but reopening it (to add reports for new projects) keeps it.
    assert quarter_form(quarter(OPEN_Q2.due_on), open_rounds).is_valid()
    other_date = quarter_form(quarter(dt.date(2027, 1, 15)), open_rounds)
    assert not other_date.is_valid()
    assert other_date.errors["due_on"] == [
        "2026/27 Q2 is already open, due on 31 October 2026: open it again with that date to add reports for "
        "projects started since"
    ]
    # Another quarter of the same year is not the open one.
    assert quarter_form(quarter(dt.date(2027, 1, 15), quarter="3"), open_rounds).is_valid()


@time_machine.travel(TODAY)
def test_the_quarter_form_refuses_reminders_out_of_range():
    form = quarter_form(quarter(TODAY, remind_days_before="-1", remind_days_after="61"))
    assert not form.is_valid()
    assert form.errors["remind_days_before"] == ["Enter 0 or more days"]
    assert form.errors["remind_days_after"] == ["Enter 60 days or fewer"]


def decision_form(data: dict[str, str]) -> ReturnDecisionForm:
    return ReturnDecisionForm(data, noun="return", owner="the lead")


def test_the_decision_is_worded_for_its_kind():
    form = decision_form({})
    assert [label for _, label in form.fields["decision"].choices] == [
        "Accept the return",
        "Return it to the lead for changes",
    ]
    assert form.fields["comment"].label == "Comment for the lead"
    assert not form.is_valid()
    assert form.errors["decision"] == ["Select whether to accept the return or return it to the lead"]


def test_returning_needs_a_comment_but_accepting_does_not():
    blank = decision_form({"decision": "return", "comment": "   "})
    assert not blank.is_valid()
    assert blank.errors["comment"] == ["Enter what the lead should change"]
    returned = decision_form({"decision": "return", "comment": "  Say what the money bought.  "})
    assert returned.is_valid()
    assert returned.cleaned_data["comment"] == "Say what the money bought."
    assert decision_form({"decision": "accept", "comment": ""}).is_valid()
    too_long = decision_form({"decision": "accept", "comment": "x" * 5001})
    assert not too_long.is_valid()
    assert too_long.errors["comment"] == ["Enter 5,000 characters or fewer"]
