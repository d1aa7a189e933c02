"""The forms of funded projects' quarterly reports: the project fills in each section. They validate only:
the services write. Opening a quarter and deciding a report use the forms every kind of return shares
(saferhub/reporting/forms.py), with `existing_quarter` telling the first which quarters are open.
"""

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from saferhub.design_system.filters import figure_text, pounds
from saferhub.grants.forms.applying import applicant_text
from saferhub.grants.forms.fields import PoundsField
from saferhub.grants.models import ProjectReturn, ProjectReturnRound

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
                str(outcome.public_id): figure_text(self.cleaned_data[f"o_{outcome.public_id.hex}"])
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
