"""The forms of the incremental approach: taking a step, recording a conviction, and a step's outcome.
They validate only: the services write, and refuse what the law does not allow."""

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from saferhub.asb.models import InterventionOutcome
from saferhub.asb.selectors.steps import OFFICER_SETS_DEADLINE, RESOLVE, STEP_NAMES
from saferhub.asb.workflows import EXTEND_CLOSURE_ORDER
from saferhub.design_system.filters import govuk_date
from saferhub.design_system.widgets import DateField, DateInput

INVALID_DATE = "Enter a real date, like 2027-03-14"


def _date(label: str, *, required: str = "", hint: str = "") -> forms.DateField:
    return DateField(
        label=label,
        help_text=hint,
        required=bool(required),
        widget=DateInput(),
        error_messages={"required": required, "invalid": INVALID_DATE},
    )


def _not_in_future(form: forms.Form, field: str, what: str) -> None:
    day = form.cleaned_data.get(field)
    today = timezone.localdate()
    if day is not None and day > today:
        form.add_error(field, f"{what} must be today or in the past: today is {govuk_date(today)}")


class StepForm(forms.Form):
    """One step: the day it was taken, its deadline where the law leaves it to the officer, a comment.
    The step itself travels in a hidden field (the page is for one step, chosen from the list)."""

    step = forms.CharField(widget=forms.HiddenInput, required=False)
    issued_on = _date("Date issued", required="Enter the date the step was taken")
    due_on = _date("Deadline")
    comment = forms.CharField(
        label="The behaviour, as a letter states it",
        help_text="A letter or notice of this step prints it: describe the behaviour, never who reported it",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )

    def __init__(self, *args: Any, step: str, default_due_on: dt.date | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].initial = step
        if step == RESOLVE:
            del self.fields["issued_on"], self.fields["due_on"]
            self.fields["comment"].label = "Why no further step is needed"
            self.fields["comment"].required = True
            self.fields["comment"].error_messages["required"] = "Say why the perpetrator's case is resolved"
        elif step not in OFFICER_SETS_DEADLINE:
            del self.fields["due_on"]
        else:
            due_on = self.fields["due_on"]
            due_on.initial = default_due_on
            if step == EXTEND_CLOSURE_ORDER:
                due_on.label = "New end of the closure order"
                due_on.required = True
                due_on.error_messages["required"] = "Enter the day the extended closure order ends"
            else:
                due_on.help_text = "The partnership's default is filled in; you may change it"
        if "issued_on" in self.fields:
            self.fields["issued_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("step") not in (*STEP_NAMES, RESOLVE):
            raise forms.ValidationError("Choose a step of the incremental approach from the list")
        if "issued_on" in self.fields:
            _not_in_future(self, "issued_on", "The date issued")
        return cleaned


class ConvictionForm(forms.Form):
    convicted_on = _date(
        "Date of conviction",
        required="Enter the date of the conviction",
        hint="A Criminal Behaviour Order is requested on conviction (section 22)",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _not_in_future(self, "convicted_on", "The date of conviction")
        return cleaned


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What came of the step",
        widget=forms.RadioSelect,
        choices=[(c.value, c.label) for c in InterventionOutcome if c != InterventionOutcome.PENDING],
        error_messages={
            "required": "Choose what came of the step",
            "invalid_choice": "Choose one of the outcomes",
        },
    )
