"""The form of a victim's risk and vulnerability assessment. It validates only: services/risk.py writes."""

import datetime as dt
from typing import Any

from django import forms

from saferhub.asb.models import Flag, RiskLevel
from saferhub.asb.risk import Matrix, scored
from saferhub.design_system.widgets import DateField, DateInput

FLAG_PHRASES: dict[str, str] = {Flag.JAG: "the Joint Action Group", Flag.CASE_CONFERENCE: "a case conference"}
TAKE_OFF = "none"  # the choice that takes the case's flag off (Flag.NONE is "", which means "leave it")


class RiskAssessmentForm(forms.Form):
    answers = forms.MultipleChoiceField(
        label="Which of these are true for the victim?",
        help_text="Select all that apply. Select none if none does.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "The questions have changed since the page was opened: answer them again"
        },
    )
    assessed_on = DateField(
        label="Date of the assessment",
        widget=DateInput(),
        error_messages={
            "required": "Enter the date of the assessment",
            "invalid": "Enter the date of the assessment as a real date",
        },
    )
    flag = forms.ChoiceField(
        label="Flag the case for",
        help_text="A high risk must go to the Joint Action Group or a case conference.",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose what to flag the case for, or not to flag it"},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        help_text="What the victim said, and what is being done to support them.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": "Notes must be 5,000 characters or fewer"},
    )

    def __init__(
        self, *args: Any, matrix: Matrix, flagged_for: str, opened_on: dt.date, today: dt.date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.matrix, self.opened_on, self.today = matrix, opened_on, today
        self.fields["answers"].choices = [(q.key, q.text) for q in matrix.questions]  # type: ignore[attr-defined]
        self.fields["assessed_on"].initial = today
        if flagged_for:
            keep = f"Leave it flagged for {FLAG_PHRASES.get(flagged_for, 'what it is flagged for')}"
            extra = [(TAKE_OFF, "Take the flag off the case")]
        else:
            keep, extra = "Do not flag it", []
        self.fields["flag"].choices = [  # type: ignore[attr-defined]
            ("", keep),
            (Flag.JAG.value, Flag.JAG.label),
            (Flag.CASE_CONFERENCE.value, Flag.CASE_CONFERENCE.label),
            *extra,
        ]
        self.fields["flag"].initial = ""

    def clean_assessed_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["assessed_on"]
        if day > self.today:
            raise forms.ValidationError("The date of the assessment must be today or in the past")
        if day < self.opened_on:
            raise forms.ValidationError("The date of the assessment must be on or after the case was opened")
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        level = scored(self.matrix, data.get("answers") or ()).level
        if level == RiskLevel.HIGH and data.get("flag") not in (Flag.JAG, Flag.CASE_CONFERENCE):
            self.add_error(
                "flag", "These answers make the risk high: choose the Joint Action Group or a case conference"
            )
        return data

    def chosen_flag(self) -> str | None:
        """The flag for the service: None leaves the case's as it is, Flag.NONE takes it off."""
        value = self.cleaned_data.get("flag") or ""
        if value == TAKE_OFF:
            return Flag.NONE
        return value or None
