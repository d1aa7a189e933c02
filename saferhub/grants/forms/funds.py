"""The partnership's forms for funds and rounds. They validate only: the services write."""

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from saferhub.accounts.models import User
from saferhub.design_system.widgets import DateInput
from saferhub.grants import selectors
from saferhub.grants.forms.fields import MAX_TEXT, PoundsField
from saferhub.grants.services import CriterionSpec
from saferhub.partnerships.models import Partnership

# The criteria a round scores against, as the seeds and the OPCC's rounds name them, with their usual weight.
STANDARD_CRITERIA = (
    ("alignment", "Fit with the partnership's priorities", 2),
    ("impact", "Impact on local communities", 2),
    ("value", "Value for money", 1),
    ("sustainability", "Sustainability", 1),
    ("equality", "Equality, diversity and inclusion", 1),
)


class FundForm(forms.Form):
    name = forms.CharField(
        label="Name of the fund", max_length=200, error_messages={"required": "Enter the name of the fund"}
    )
    funder = forms.CharField(
        label="Funder",
        max_length=200,
        help_text="Who gives the money, such as the Police and Crime Commissioner",
        error_messages={"required": "Enter who gives the money"},
    )
    accountable_body = forms.CharField(
        label="Accountable body",
        max_length=200,
        help_text="Who holds the money and accounts for it, such as the city council",
        error_messages={"required": "Enter the accountable body"},
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
    total_pence = PoundsField(
        label="Total, in pounds", minimum_pence=0, error_messages={"required": "Enter the fund's total"}
    )
    served = forms.ModelMultipleChoiceField(
        label="Other partnerships it serves",
        help_text="This partnership always; for a force-wide fund, the partnerships within it too",
        queryset=Partnership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.fields["served"].queryset = partnership.children.order_by("name")  # type: ignore[attr-defined]
        if not partnership.children.exists():
            del self.fields["served"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("name")
            and data.get("financial_year")
            and selectors.fund_named(self.partnership, data["name"], data["financial_year"])
        ):
            self.add_error(
                "name", "The partnership has a fund of this name for that year already: name this one apart"
            )
        return data


class RoundForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter the round's title"}
    )
    opens_on = forms.DateField(
        label="Opens on",
        widget=DateInput(),
        error_messages={"required": "Enter the date the round opens", "invalid": "Enter a real date"},
    )
    closes_on = forms.DateField(
        label="Closes at the end of",
        help_text="Applications are taken until midnight at the end of this day",
        widget=DateInput(),
        error_messages={"required": "Enter the date the round closes", "invalid": "Enter a real date"},
    )
    eligibility = forms.CharField(
        label="Who may apply, and for what",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say who may apply"},
    )
    max_award_pence = PoundsField(
        label="The most one project may ask for, in pounds",
        error_messages={"required": "Enter the most one project may ask for"},
    )
    pass_mark_percent = forms.IntegerField(
        label="Pass mark, as a percentage of the highest possible weighted score",
        min_value=0,
        max_value=100,
        error_messages={
            "required": "Enter the pass mark",
            "invalid": "Enter a whole number, like 65",
            "min_value": "Enter 0 or more",
            "max_value": "Enter 100 or less",
        },
    )
    questions = forms.CharField(
        label="The round's own questions",
        help_text="One question a line; the application form asks them after its standard sections",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    assessors = forms.ModelMultipleChoiceField(
        label="Assessors",
        help_text="The partnership's grant assessors who score this round's applications",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, assessors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pass_mark_percent"].initial = settings.SAFERHUB_GRANT_PASS_MARK_PERCENT
        self.fields["assessors"].queryset = assessors  # type: ignore[attr-defined]
        for key, name, weight in STANDARD_CRITERIA:
            self.fields[f"weight_{key}"] = forms.IntegerField(
                label=f"Weight of ‘{name}’",
                help_text="0 leaves it out; each is scored from 0 to 5",
                initial=weight,
                min_value=0,
                max_value=5,
                error_messages={
                    "required": f"Enter the weight of ‘{name}’, or 0 to leave it out",
                    "invalid": "Enter a whole number from 0 to 5",
                    "min_value": "Enter a weight from 0 to 5",
                    "max_value": "Enter a weight from 0 to 5",
                },
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        for field, day in (("opens_on", opens), ("closes_on", closes)):
            if day and not 2000 <= day.year <= 2100:
                self.add_error(field, "Enter a date between the years 2000 and 2100")
                opens = closes = None
        if opens and closes and closes < opens:
            self.add_error("closes_on", "The round closes on or after the day it opens")
        if all(f"weight_{key}" in data for key, _, _ in STANDARD_CRITERIA) and not self.criteria(data):
            self.add_error(
                f"weight_{STANDARD_CRITERIA[0][0]}", "Give at least one criterion a weight above 0"
            )
        return data

    @staticmethod
    def criteria(data: dict[str, Any]) -> list[CriterionSpec]:
        return [
            CriterionSpec(name=name, weight=data[f"weight_{key}"])
            for key, name, _ in STANDARD_CRITERIA
            if data.get(f"weight_{key}")
        ]

    def round_values(self) -> dict[str, Any]:
        """What the service takes: the days made into the moments the round opens and closes, locally."""
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        return {
            "title": data["title"],
            "opens_at": dt.datetime.combine(data["opens_on"], dt.time.min, tzinfo=zone),
            "closes_at": dt.datetime.combine(
                data["closes_on"] + dt.timedelta(days=1), dt.time.min, tzinfo=zone
            ),
            "eligibility": data["eligibility"],
            "max_award_pence": data["max_award_pence"],
            "pass_mark_percent": data["pass_mark_percent"],
            "questions": [line.strip() for line in data["questions"].splitlines() if line.strip()],
            "criteria": self.criteria(data),
            "assessors": list(data["assessors"]),
        }
