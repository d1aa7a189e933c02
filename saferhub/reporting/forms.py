"""The forms every kind of return shares: opening a quarter's returns, and accepting a submitted return or
returning it. They validate only: the services write. Each is worded for its kind by the words it is given
(what the returns are called, who owes them), so each kind's pages read as their own.
"""

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.utils import timezone

from saferhub.design_system.filters import govuk_date
from saferhub.design_system.widgets import DateInput

MAX_TEXT = 5000
# The financial year starts in April: 2026/27 runs from April 2026 to March 2027.
FIRST_MONTH_OF_FINANCIAL_YEAR = 4


def _days_field(when: str, initial: int) -> forms.IntegerField:
    return forms.IntegerField(
        initial=initial,
        min_value=0,
        max_value=60,
        error_messages={
            "required": f"Enter how many days {when} to remind",
            "invalid": "Enter a whole number of days",
            "min_value": "Enter 0 or more days",
            "max_value": "Enter 60 days or fewer",
        },
    )


def _this_financial_year() -> int:
    today = timezone.localdate()
    return today.year if today.month >= FIRST_MONTH_OF_FINANCIAL_YEAR else today.year - 1


class QuarterOpenForm(forms.Form):
    """A quarter's returns: which quarter, when they are due, and when to remind whoever owes one.

    `existing(financial_year, quarter)` is the round already open for that quarter, or None. `noun` is what
    the returns are called ("returns"), `owner` who owes one ("the lead"), and `added_since` whose returns
    opening the quarter again adds ("new priorities").
    """

    quarter = forms.ChoiceField(
        label="Quarter",
        widget=forms.RadioSelect,
        choices=[(q, f"Q{q}") for q in ("1", "2", "3", "4")],
        error_messages={"required": "Select the quarter"},
    )
    financial_year = forms.IntegerField(
        label="Financial year it starts in",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "Enter the year the financial year starts",
            "min_value": "Enter a year from 2000",
            "max_value": "Enter a year before 2100",
        },
    )
    due_on = forms.DateField(widget=DateInput(), error_messages={"invalid": "Enter a real date"})
    remind_days_before = _days_field("before", 7)
    remind_days_after = _days_field("after", 3)

    def __init__(
        self,
        *args: Any,
        existing: Callable[[int, int], Any],
        noun: str,
        owner: str,
        added_since: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.existing = existing
        self.noun = noun
        self.added_since = added_since
        year = _this_financial_year()
        self.fields["financial_year"].help_text = f"{year} for {year}/{(year + 1) % 100:02d}"
        self.fields["financial_year"].error_messages["invalid"] = f"Enter a year, like {year}"
        self.fields["due_on"].label = f"{noun.capitalize()} are due on"
        self.fields["due_on"].error_messages["required"] = f"Enter the date {noun} are due"
        self.fields["remind_days_before"].label = f"Remind {owner} this many days before the due date"
        self.fields[
            "remind_days_after"
        ].label = f"Remind {owner} this many days after the due date, if still not submitted"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("quarter"):
            data["quarter"] = int(data["quarter"])
        year, quarter, due_on = data.get("financial_year"), data.get("quarter"), data.get("due_on")
        if not (year and quarter and due_on):
            return data
        existing = self.existing(year, quarter)
        if existing is not None and existing.due_on != due_on:
            self.add_error(
                "due_on",
                f"{existing.label} is already open, due on {govuk_date(existing.due_on)}: open it again "
                f"with that date to add {self.noun} for {self.added_since}",
            )
        elif existing is None and due_on < timezone.localdate():
            # Due in the past, each would be overdue at once and its owner sent the 'overdue' email.
            self.add_error("due_on", "Enter a due date today or later")
        return data


class ReturnDecisionForm(forms.Form):
    """Accept a submitted return, or return it to whoever owes it with what to change (required then).
    `noun` is what one return is called ("return"), `owner` who owes it ("the lead")."""

    decision = forms.ChoiceField(label="Your decision", widget=forms.RadioSelect)
    comment = forms.CharField(
        required=False,
        max_length=MAX_TEXT,
        help_text="Needed when you return it: say what to change",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"Enter {MAX_TEXT:,} characters or fewer"},
    )

    def __init__(self, *args: Any, noun: str, owner: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        decision = cast(forms.ChoiceField, self.fields["decision"])
        decision.choices = [("accept", f"Accept the {noun}"), ("return", f"Return it to {owner} for changes")]
        decision.error_messages["required"] = f"Select whether to accept the {noun} or return it to {owner}"
        self.fields["comment"].label = f"Comment for {owner}"
        self.owner = owner

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["comment"] = (data.get("comment") or "").strip()
        if data.get("decision") == "return" and not data["comment"]:
            self.add_error("comment", f"Enter what {self.owner} should change")
        return data
