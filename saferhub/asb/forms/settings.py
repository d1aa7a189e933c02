"""The form of a partnership's casework settings: every number of its local policy, each with its documented
default beside it, and the risk matrix as lines of text. It validates only: services/settings.py writes."""

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.db import models

from saferhub.asb.models import AsbSettings
from saferhub.asb.risk import DEFAULT_MATRIX, Matrix, MatrixTextError, matrix_as_lines, questions_from_lines


@dataclass(frozen=True)
class Number:
    """One number of the settings: its field, its label, what error messages call it, its unit and range."""

    field: str
    label: str
    noun: str
    unit: str
    highest: int
    lowest: int = 1


# The statutory limits cap the closure numbers (ASBCPA 2014 ss80-82: a hearing within 48 hours, an order of
# at most 3 months, at most 6 with extensions); the rest are capped only to catch a typing slip.
NUMBERS = (
    Number(
        "risk_assessment_within_days",
        "First risk assessment due within",
        "days to the first risk assessment",
        "days",
        90,
    ),
    Number(
        "risk_review_every_days",
        "Risk assessment reviewed every",
        "days between risk assessment reviews",
        "days",
        365,
    ),
    Number(
        "abc_review_days",
        "Acceptable Behaviour Contract reviewed after",
        "days to an Acceptable Behaviour Contract's review",
        "days",
        730,
    ),
    Number(
        "cpw_compliance_days",
        "Community Protection Warning compliance period",
        "days a Community Protection Warning gives to comply",
        "days",
        365,
    ),
    Number(
        "cpn_appeal_days",
        "Community Protection Notice appeal period",
        "days to appeal a Community Protection Notice",
        "days",
        90,
    ),
    Number(
        "fpn_payment_days",
        "Fixed penalty notice paid within",
        "days to pay a fixed penalty notice",
        "days",
        90,
    ),
    Number(
        "closure_hearing_hours",
        "Closure order hearing within",
        "hours to the closure order hearing",
        "hours",
        48,
    ),
    Number(
        "closure_order_months", "Closure order lasts at most", "months a closure order lasts", "months", 3
    ),
    Number(
        "closure_order_max_months",
        "Closure order with extensions lasts at most",
        "months a closure order lasts with its extensions",
        "months",
        6,
    ),
    Number(
        "new_incident_days",
        "New incidents show in My work for",
        "days a new incident shows in My work",
        "days",
        90,
    ),
)


def _model_field(name: str) -> models.Field[Any, Any]:
    # Every name given is one of the model's own fields, never a relation.
    return cast("models.Field[Any, Any]", AsbSettings._meta.get_field(name))


def _default(field: str) -> Any:
    return _model_field(field).get_default()


def _number_field(number: Number) -> forms.IntegerField:
    model_field = _model_field(number.field)
    return forms.IntegerField(
        label=f"{number.label}, in {number.unit}",
        help_text=f"{model_field.help_text} Default: {_default(number.field)} {number.unit}.",
        min_value=number.lowest,
        max_value=number.highest,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "required": f"Enter the {number.noun}",
            "invalid": f"Enter the {number.noun} as a whole number",
            "min_value": f"The {number.noun} must be {number.lowest} or more",
            "max_value": f"The {number.noun} must be {number.highest} or fewer",
        },
    )


def _threshold_field(level: str, default: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=f"Score for {level} risk",
        help_text=f"A score at or above this is {level} risk. Default: {default}.",
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "required": f"Enter the score for {level} risk",
            "invalid": f"Enter the score for {level} risk as a whole number",
            "min_value": f"The score for {level} risk must be 1 or more",
        },
    )


class SettingsForm(forms.Form):
    use_default_matrix = forms.BooleanField(
        label="Use Saferhub's default risk matrix",
        help_text="Tick to go back to the default questions and scores; the ones below are then not used.",
        required=False,
    )
    questions = forms.CharField(
        label="Risk questions",
        help_text=(
            "One question a line: its weight, a bar, then the question, like “2 | Are children in the "
            "household affected?”. Add “| high” at the end where a yes makes the risk high whatever the "
            "score. The default's questions are in docs/asb-risk.md."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
    )

    def __init__(self, *args: Any, current: AsbSettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        numbers = {number.field: _number_field(number) for number in NUMBERS}
        self.fields = {
            **numbers,
            "use_default_matrix": self.fields["use_default_matrix"],
            "questions": self.fields["questions"],
            "medium": _threshold_field("medium", DEFAULT_MATRIX.medium),
            "high": _threshold_field("high", DEFAULT_MATRIX.high),
        }
        matrix = Matrix.from_json(current.risk_matrix) if current.risk_matrix else DEFAULT_MATRIX
        self.initial = {
            **{number.field: getattr(current, number.field) for number in NUMBERS},
            "use_default_matrix": not current.risk_matrix,
            "questions": matrix_as_lines(matrix),
            "medium": matrix.medium,
            "high": matrix.high,
            **self.initial,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        shortest, longest = data.get("closure_order_months"), data.get("closure_order_max_months")
        if shortest is not None and longest is not None and longest < shortest:
            self.add_error(
                "closure_order_max_months",
                "A closure order with its extensions cannot last less than the order itself, "
                f"{shortest} months",
            )
        if not data.get("use_default_matrix"):
            self._matrix_check(data)
        return data

    def _matrix_check(self, data: dict[str, Any]) -> None:
        try:
            questions = questions_from_lines(data.get("questions", ""))
        except MatrixTextError as problem:
            self.add_error("questions", str(problem))
            return
        medium, high = data.get("medium"), data.get("high")
        if medium is None or high is None:
            return
        if medium >= high:
            self.add_error(
                "high", f"The score for high risk must be more than the score for medium, {medium}"
            )
            return
        highest = sum(q.weight for q in questions)
        if high > highest:
            self.add_error(
                "high",
                f"The score for high risk, {high}, is more than the questions' weights add up to, {highest}: "
                "no one could reach it",
            )
            return
        data["matrix"] = Matrix(questions=questions, medium=medium, high=high)

    def values(self) -> dict[str, Any]:
        """The settings for the service: every number, and the matrix ({} for the default)."""
        matrix: Matrix | None = self.cleaned_data.get("matrix")
        return {
            **{number.field: self.cleaned_data[number.field] for number in NUMBERS},
            "risk_matrix": matrix.as_json() if matrix is not None else {},
        }
