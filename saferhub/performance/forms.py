"""Forms for measures, rounds and returns. They validate only: the services write."""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from saferhub.crimedata.selectors import indicators_for
from saferhub.design_system.forms import ValidatingModelForm
from saferhub.design_system.widgets import DateInput
from saferhub.partnerships.models import Partnership
from saferhub.performance.models import Measure, MeasureKind, QuarterlyReturn, Rag, ReportingRound
from saferhub.performance.rag import figure_text
from saferhub.performance.selectors import (
    MeasureStatus,
    figure_day_problem,
    figure_for_quarter,
    period_end_for,
    period_label_for,
)
from saferhub.plans.models import Priority
from saferhub.reporting.forms import QuarterOpenForm

MAX_TEXT = 5000
NUMBER_ERRORS = {"invalid": "Enter a number, like 12 or 12.5", "max_digits": "Enter a smaller number"}


class MeasureForm(ValidatingModelForm):
    class Meta:
        model = Measure
        fields = [
            "title",
            "kind",
            "indicator",
            "deliverable",
            "unit",
            "baseline_value",
            "baseline_period",
            "target_value",
            "direction",
            "tolerance_percent",
            "frequency",
            "source",
        ]
        labels = {
            "title": "What is measured",
            "kind": "How the figures arrive",
            "indicator": "Indicator (automatic measures only)",
            "deliverable": "Deliverable it measures (optional)",
            "unit": "Unit",
            "baseline_value": "Baseline",
            "baseline_period": "Period of the baseline",
            "target_value": "Target",
            "direction": "The partnership wants it to",
            "tolerance_percent": "Tolerance, as a percentage of the target",
            "frequency": "How often there is a figure",
            "source": "Source",
        }
        help_texts = {
            "title": "For example, ‘Robberies in the city centre wards’",
            "unit": "For example, ‘crimes’ or ‘premises’",
            "baseline_period": "For example, ‘2024/25’",
            "tolerance_percent": "How far from the target still counts as on target (green); 0 means exactly",
            "source": "Where the figure comes from, for example ‘Trading Standards enforcement log’",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "direction": forms.RadioSelect,
            "frequency": forms.RadioSelect,
        }
        error_messages = {
            "title": {"required": "Enter what is measured"},
            "kind": {"required": "Select how the figures arrive"},
            "target_value": {"required": "Enter the target", **NUMBER_ERRORS},
            "baseline_value": NUMBER_ERRORS,
            "tolerance_percent": {"required": "Enter the tolerance (0 for none)", **NUMBER_ERRORS},
            "direction": {"required": "Select whether the partnership wants it to reduce, increase or stay"},
            "frequency": {"required": "Select how often there is a figure"},
        }

    def __init__(self, *args: Any, priority: Priority, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partnership = priority.plan.partnership
        self.fields["indicator"].queryset = indicators_for(partnership)  # type: ignore[attr-defined]
        self.fields["indicator"].empty_label = "None: a manual measure"  # type: ignore[attr-defined]
        self.fields["deliverable"].queryset = priority.deliverables.all()  # type: ignore[attr-defined]
        self.fields["deliverable"].empty_label = "The priority as a whole"  # type: ignore[attr-defined]
        self.fields["kind"].choices = MeasureKind.choices  # type: ignore[attr-defined]

    def clean_tolerance_percent(self) -> Decimal:
        value = self.cleaned_data["tolerance_percent"]
        if value is not None and value < 0:
            raise forms.ValidationError("The tolerance must be 0 or more")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, indicator = data.get("kind"), data.get("indicator")
        if kind == MeasureKind.AUTOMATIC and indicator is None:
            self.add_error("indicator", "Select the indicator an automatic measure is counted from")
        if kind == MeasureKind.MANUAL and indicator is not None:
            self.add_error(
                "indicator", "A manual measure has no indicator: choose ‘None’ or make it automatic"
            )
        return data


# Commas only as thousands separators: '1,234' is 1234, but '12,5' is refused rather than read as 125.
NUMBER = re.compile(r"-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?|-?\.\d+")
LARGEST = Decimal(10) ** 12


def parse_decimal(text: str) -> Decimal:
    text = text.strip()
    if not NUMBER.fullmatch(text):
        raise forms.ValidationError("Enter a number, like 12 or 12.5")
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation as error:
        raise forms.ValidationError("Enter a number, like 12 or 12.5") from error
    if abs(value) >= LARGEST:
        raise forms.ValidationError(f"Enter a number smaller than {LARGEST:,}")
    return value


class FigureForm(forms.Form):
    """A manual measure's figure for one of its periods (this quarter by default)."""

    period_end = forms.DateField(
        label="A day in the period the figure covers",
        widget=DateInput(),
        help_text="For a quarterly figure, any day of the quarter: 30 September 2025 for 2025/26 Q2",
        error_messages={"required": "Enter a day in the period", "invalid": "Enter a real date"},
    )
    value = forms.CharField(label="Figure", error_messages={"required": "Enter the figure"})
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measure = measure

    def clean_value(self) -> Decimal:
        return parse_decimal(self.cleaned_data["value"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        end = data.get("period_end")
        if end and (problem := figure_day_problem(end)):
            self.add_error("period_end", problem)
        elif end:
            data["period"] = period_label_for(self.measure.frequency, end)
            data["period_end"] = period_end_for(self.measure.frequency, end)
        return data


class RagRuleForm(forms.Form):
    amber_margin_percent = forms.DecimalField(
        label="Amber margin, as a percentage of the target",
        help_text="A figure that misses its target by more than its tolerance, but by no more than the "
        "tolerance plus this margin, is amber. Further off is red.",
        min_value=0,
        max_value=1000,
        max_digits=5,
        decimal_places=1,
        error_messages={
            "required": "Enter the amber margin",
            "invalid": "Enter a number, like 10",
            "min_value": "The amber margin must be 0 or more",
            "max_value": "The amber margin must be 1,000 or less",
            "max_digits": "Enter a number with fewer digits",
            "max_decimal_places": "Enter the margin to one decimal place at most",
        },
    )


class RoundForm(QuarterOpenForm):
    """A quarter of the theme leads' returns: one for each priority of the partnership's current plan."""

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        def existing(financial_year: int, quarter: int) -> ReportingRound | None:
            return ReportingRound.objects.filter(
                partnership=partnership, financial_year=financial_year, quarter=quarter
            ).first()

        super().__init__(
            *args, existing=existing, noun="returns", owner="the lead", added_since="new priorities", **kwargs
        )


def _text_field(label: str, *, required: bool = False, hint: str = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=hint,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": f"Enter {MAX_TEXT:,} characters or fewer"},
    )


class ProgressForm(forms.Form):
    """Progress on each deliverable: a text box for each, named by its public id."""

    def __init__(self, *args: Any, quarterly_return: QuarterlyReturn, deliverables: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for deliverable in deliverables:
            key = f"d_{deliverable.public_id.hex}"
            self.fields[key] = _text_field(deliverable.text, required=True)
            self.fields[key].error_messages["required"] = f"Enter progress on ‘{deliverable.text}’"
            self.initial.setdefault(
                key, quarterly_return.deliverable_progress.get(str(deliverable.public_id), "")
            )
        self.deliverables = deliverables

    def values(self) -> dict[str, Any]:
        return {
            "deliverable_progress": {
                str(d.public_id): self.cleaned_data[f"d_{d.public_id.hex}"].strip() for d in self.deliverables
            }
        }


class ThemesForm(forms.Form):
    """How the priority delivered on each of the plan's cross-cutting themes."""

    def __init__(self, *args: Any, quarterly_return: QuarterlyReturn, themes: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for theme in themes:
            key = f"t_{theme.public_id.hex}"
            self.fields[key] = _text_field(
                theme.title,
                required=True,
                hint="What this priority did for the theme this quarter; ‘None this quarter’ is an answer",
                rows=3,
            )
            self.fields[key].error_messages["required"] = (
                f"Enter how this priority delivered on {theme.title}"
            )
            self.initial.setdefault(key, quarterly_return.theme_contributions.get(str(theme.public_id), ""))
        self.themes = themes

    def values(self) -> dict[str, Any]:
        return {
            "theme_contributions": {
                str(t.public_id): self.cleaned_data[f"t_{t.public_id.hex}"].strip() for t in self.themes
            }
        }


class MeasuresForm(forms.Form):
    """A figure for each manual measure; a comment on each (automatic ones are filled in from the data)."""

    def __init__(
        self, *args: Any, quarterly_return: QuarterlyReturn, statuses: list[MeasureStatus], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.statuses = statuses
        for status in statuses:
            measure = status.measure
            saved = quarterly_return.measure_figures.get(str(measure.public_id), {})
            if measure.is_manual:
                key = f"v_{measure.public_id.hex}"
                self.fields[key] = forms.CharField(
                    label=f"{measure.title}: figure for {quarterly_return.reporting_round.label}",
                    help_text=(
                        f"Target: {measure.get_direction_display().lower()} to "
                        f"{figure_text(measure.target_value)} {measure.unit}"
                    ).strip(),
                    error_messages={"required": f"Enter the figure for ‘{measure.title}’"},
                )
                self.initial.setdefault(key, saved.get("value", ""))
            key = f"c_{measure.public_id.hex}"
            hint = ""
            if not measure.is_manual:
                figure = figure_for_quarter(status, quarterly_return.reporting_round)
                counted = (
                    f"{figure_text(figure.value)} {measure.unit}".strip() + f" in {figure.period}"
                    if figure and figure.value is not None
                    else f"the data does not hold all of {quarterly_return.reporting_round.label} yet"
                    + (f" ({status.problem})" if status.problem else "")
                )
                hint = (
                    f"Counted for you from the crime data: {counted}. Target: "
                    f"{measure.get_direction_display().lower()} to {figure_text(measure.target_value)}."
                )
            self.fields[key] = _text_field(f"Comment on {measure.title}", hint=hint, rows=3)
            self.initial.setdefault(key, saved.get("comment", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for status in self.statuses:
            key = f"v_{status.measure.public_id.hex}"
            if status.measure.is_manual and data.get(key):
                try:
                    data[key] = parse_decimal(data[key])
                except forms.ValidationError as error:
                    self.add_error(key, error)
        return data

    def values(self) -> dict[str, Any]:
        figures = {}
        for status in self.statuses:
            measure = status.measure
            figure = {"comment": self.cleaned_data[f"c_{measure.public_id.hex}"].strip()}
            if measure.is_manual:
                figure["value"] = str(self.cleaned_data[f"v_{measure.public_id.hex}"])
            figures[str(measure.public_id)] = figure
        return {"measure_figures": figures}


class RisksForm(forms.Form):
    risks_and_issues = _text_field(
        "Risks and issues", required=True, hint="What could stop the priority delivering, and what is in hand"
    )
    help_needed = _text_field(
        "Help needed from the partnership", hint="Leave blank if the priority needs nothing from the board"
    )

    def __init__(self, *args: Any, quarterly_return: QuarterlyReturn, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["risks_and_issues"].error_messages["required"] = "Enter the risks and issues, or ‘None’"
        self.initial.setdefault("risks_and_issues", quarterly_return.risks_and_issues)
        self.initial.setdefault("help_needed", quarterly_return.help_needed)

    def values(self) -> dict[str, Any]:
        return {key: self.cleaned_data[key].strip() for key in ("risks_and_issues", "help_needed")}


class AssessmentForm(forms.Form):
    self_assessment = forms.ChoiceField(
        label="How is the priority doing this quarter?",
        widget=forms.RadioSelect,
        choices=[
            (Rag.GREEN, "Green: on track"),
            (Rag.AMBER, "Amber: some concern, in hand"),
            (Rag.RED, "Red: off track, needs the board's attention"),
        ],
        error_messages={"required": "Select green, amber or red"},
    )
    summary = _text_field(
        "Summary for the board",
        required=True,
        hint="A few sentences the board reads first: what went well, what did not, what comes next",
        rows=6,
    )

    def __init__(self, *args: Any, quarterly_return: QuarterlyReturn, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["summary"].error_messages["required"] = "Enter a summary for the board"
        self.initial.setdefault("self_assessment", quarterly_return.self_assessment)
        self.initial.setdefault("summary", quarterly_return.summary)

    def values(self) -> dict[str, Any]:
        return {
            "self_assessment": self.cleaned_data["self_assessment"],
            "summary": self.cleaned_data["summary"].strip(),
        }


class CarryForwardForm(forms.Form):
    """For each measure of the previous plan: the priority of this plan to carry it to, or none."""

    def __init__(self, *args: Any, measures: list[Measure], priorities: list[Priority], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.measures = measures
        by_title = {p.title.casefold(): p for p in priorities}
        choices = [("", "Do not carry it forward"), *[(str(p.public_id), p.title) for p in priorities]]
        self.priorities = {str(p.public_id): p for p in priorities}
        for measure in measures:
            key = f"m_{measure.public_id.hex}"
            self.fields[key] = forms.ChoiceField(
                label=f"{measure.title} (under ‘{measure.priority.title}’)", choices=choices, required=False
            )
            match = by_title.get(measure.priority.title.casefold())
            self.initial.setdefault(key, str(match.public_id) if match else "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(f"m_{m.public_id.hex}") for m in self.measures):
            raise forms.ValidationError("Choose a priority for at least one measure, or cancel")
        return data

    def choices(self) -> dict[Measure, Priority]:
        return {
            m: self.priorities[self.cleaned_data[f"m_{m.public_id.hex}"]]
            for m in self.measures
            if self.cleaned_data.get(f"m_{m.public_id.hex}")
        }
