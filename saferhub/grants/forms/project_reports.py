"""The forms of funded projects' quarterly reports: the managers open a quarter and decide a report, the
project fills in each section. They validate only: the services write.

`QuarterOpenForm` and `ReturnDecisionForm` are worded for any kind of return (the noun, who it is
addressed to): they belong in the reporting app, where the theme leads' returns would use them too.
"""

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.utils import timezone

from saferhub.design_system.filters import govuk_date, pounds
from saferhub.design_system.widgets import DateInput
from saferhub.grants.forms.applying import applicant_text
from saferhub.grants.forms.fields import MAX_TEXT, PoundsField
from saferhub.grants.models import ProjectReturn, ProjectReturnRound
from saferhub.grants.selectors.reports import figure_text

# --- For any kind of return -----------------------------------------------------------------------


def _days_field(label: str, initial: int, when: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
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


class QuarterOpenForm(forms.Form):
    """A quarter's returns: which quarter, when they are due, and when to remind whoever owes one.
    `existing(financial_year, quarter)` is the round already open for that quarter, or None."""

    quarter = forms.ChoiceField(
        label="Quarter",
        widget=forms.RadioSelect,
        choices=[(q, f"Q{q}") for q in ("1", "2", "3", "4")],
        error_messages={"required": "Select the quarter"},
    )
    financial_year = forms.IntegerField(
        label="Financial year it starts in",
        help_text="2026 for 2026/27",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "Enter the year the financial year starts",
            "invalid": "Enter a year, like 2026",
            "min_value": "Enter a year from 2000",
            "max_value": "Enter a year before 2100",
        },
    )
    due_on = forms.DateField(widget=DateInput(), error_messages={"invalid": "Enter a real date"})
    remind_days_before = _days_field("", 7, "before")
    remind_days_after = _days_field("", 3, "after")

    def __init__(
        self,
        *args: Any,
        existing: Callable[[int, int], Any],
        noun: str = "returns",
        owner: str = "the lead",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.existing = existing
        self.fields["due_on"].label = f"{noun.capitalize()} are due on"
        self.fields["due_on"].error_messages["required"] = f"Enter the date {noun} are due"
        self.fields["remind_days_before"].label = f"Remind {owner} this many days before the due date"
        self.fields[
            "remind_days_after"
        ].label = f"Remind {owner} this many days after the due date, if still not submitted"
        self.noun = noun

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
                f"with that date to add {self.noun} for projects started since",
            )
        elif existing is None and due_on < timezone.localdate():
            # Due in the past, each would be overdue at once and its owner sent the 'overdue' email.
            self.add_error("due_on", "Enter a due date today or later")
        return data


class ReturnDecisionForm(forms.Form):
    """Accept a submitted return, or return it to whoever owes it with what to change (required then)."""

    decision = forms.ChoiceField(label="Your decision", widget=forms.RadioSelect)
    comment = forms.CharField(
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"Enter {MAX_TEXT:,} characters or fewer"},
    )

    def __init__(self, *args: Any, noun: str = "return", owner: str = "the lead", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        decision = cast(forms.ChoiceField, self.fields["decision"])
        decision.choices = [("accept", f"Accept the {noun}"), ("return", f"Return it to {owner} for changes")]
        decision.error_messages["required"] = f"Select whether to accept the {noun} or return it to {owner}"
        self.fields["comment"].label = f"Comment for {owner}"
        self.fields["comment"].help_text = "Needed when you return it: say what to change"
        self.owner = owner

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["comment"] = (data.get("comment") or "").strip()
        if data.get("decision") == "return" and not data["comment"]:
            self.add_error("comment", f"Enter what {self.owner} should change")
        return data


# --- The report's sections ------------------------------------------------------------------------


class _TextSectionForm(forms.Form):
    """A section that is one long answer: the field of the report it fills, and how it asks for it."""

    field: str
    label: str
    hint: str
    required: str

    def __init__(self, *args: Any, project_return: ProjectReturn, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[self.field] = applicant_text(self.label, required=self.required, hint=self.hint, rows=8)
        self.initial.setdefault(self.field, getattr(project_return, self.field))

    def values(self) -> dict[str, Any]:
        return {self.field: self.cleaned_data[self.field].strip()}


class ProgressForm(_TextSectionForm):
    field = "progress"
    label = "Progress this quarter"
    hint = "What the project did this quarter towards each of its outcomes, and what comes next"
    required = "Enter the project's progress this quarter"


class CaseStudyForm(_TextSectionForm):
    field = "case_study"
    label = "Case study"
    hint = (
        "The story of one person, family or place the project helped this quarter. Leave out names and "
        "anything else that would identify them"
    )
    required = "Enter a case study"


class RisksForm(_TextSectionForm):
    field = "risks"
    label = "Risks, and help needed from the partnership"
    hint = "What could stop the project delivering, what you are doing about it, and any help you need"
    required = "Enter the risks and any help the project needs, or ‘None’"


# A figure as people type it: digits, maybe with thousands commas, maybe a decimal part.
NUMBER = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?|\.\d+")
LARGEST_FIGURE = Decimal(10) ** 12


class FiguresForm(forms.Form):
    """This quarter's figure for the measure of each outcome the project promised."""

    def __init__(self, *args: Any, project_return: ProjectReturn, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outcomes = list(project_return.award.application.outcomes.all())
        label = project_return.reporting_round.label
        for outcome in self.outcomes:
            key = f"o_{outcome.public_id.hex}"
            self.fields[key] = forms.CharField(
                label=f"{outcome.measure}: figure for {label}",
                help_text=f"For the outcome ‘{outcome.text}’. Target: {figure_text(outcome.target)}",
                max_length=30,
                error_messages={
                    "required": f"Enter the figure for ‘{outcome.measure}’",
                    "max_length": f"Enter the figure for ‘{outcome.measure}’ as a number, like 12 or 12.5",
                },
            )
            self.fields[key].widget.attrs.update({"inputmode": "decimal", "spellcheck": "false"})
            self.initial.setdefault(key, project_return.figures.get(str(outcome.public_id), ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for outcome in self.outcomes:
            key = f"o_{outcome.public_id.hex}"
            if data.get(key) is None:
                continue
            text = data[key].strip()
            try:
                figure = Decimal(text.replace(",", "")) if NUMBER.fullmatch(text) else None
            except InvalidOperation:
                figure = None
            if figure is None or figure >= LARGEST_FIGURE:
                self.add_error(key, f"Enter the figure for ‘{outcome.measure}’ as a number, like 12 or 12.5")
            else:
                data[key] = figure
        return data

    def values(self) -> dict[str, Any]:
        return {
            "figures": {
                str(outcome.public_id): str(self.cleaned_data[f"o_{outcome.public_id.hex}"].normalize())
                for outcome in self.outcomes
            }
        }


class SpendForm(forms.Form):
    """What was spent on each line of the project's budget this quarter, in pounds and pence."""

    def __init__(self, *args: Any, project_return: ProjectReturn, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = list(project_return.award.application.budget_lines.all())
        for line in self.lines:
            key = f"l_{line.public_id.hex}"
            self.fields[key] = PoundsField(
                label=f"{line.item}, in pounds",
                help_text=(
                    f"The line's budget is {pounds(line.amount_pence)}. Enter 0 if nothing was spent on it"
                ),
                minimum_pence=0,
                error_messages={"required": f"Enter what was spent on ‘{line.item}’ this quarter, or 0"},
            )
            self.initial.setdefault(key, project_return.spend.get(str(line.public_id)))

    def values(self) -> dict[str, Any]:
        return {
            "spend": {
                str(line.public_id): self.cleaned_data[f"l_{line.public_id.hex}"] for line in self.lines
            }
        }


def existing_quarter(fund: Any) -> Callable[[int, int], ProjectReturnRound | None]:
    """The fund's round already open for a quarter, or None: what `QuarterOpenForm` checks dates against."""

    def existing(financial_year: int, quarter: int) -> ProjectReturnRound | None:
        return fund.return_rounds.filter(financial_year=financial_year, quarter=quarter).first()

    return existing
