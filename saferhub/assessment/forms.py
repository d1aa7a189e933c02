import re
from collections.abc import Callable
from typing import Any

from django import forms

from saferhub.assessment.models import Assessment, Issue, PeriodKind
from saferhub.assessment.scoring import GROUP_LABELS, Dimension, ScoringModel, shipped_models
from saferhub.core.months import month_parse
from saferhub.crimedata.models import Indicator, IndicatorSet
from saferhub.geography.selectors import area_names
from saferhub.plans.models import Plan

_LABEL = re.compile(r"^[\w /–-]+$")
_ONS_CODE = re.compile(r"^[EWSN][0-9]{8}$")


class MonthField(forms.Field):
    """A month typed as YYYY-MM, cleaned to its first day."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"inputmode": "numeric", "spellcheck": "false", "class": "govuk-input--width-5"}
        )

    def to_python(self, value: Any) -> Any:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            return month_parse(text)
        except ValueError as error:
            raise forms.ValidationError("Enter the month as a year and month, like 2024-03") from error

    def prepare_value(self, value: Any) -> Any:
        return f"{value:%Y-%m}" if hasattr(value, "strftime") else value


class AssessmentForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        label="Title",
        help_text="For example, ‘Strategic assessment 2023/24’ or ‘Serious violence needs assessment 2024’",
        error_messages={"required": "Enter a title"},
    )
    label = forms.CharField(
        max_length=40,
        label="Period",
        help_text="How the period is named, for example 2023/24",
        error_messages={"required": "Enter the period, for example 2023/24"},
    )
    period_kind = forms.ChoiceField(
        choices=PeriodKind.choices,
        widget=forms.RadioSelect,
        label="Compare",
        initial=PeriodKind.FINANCIAL_YEAR,
        error_messages={"required": "Choose financial years or rolling 12 months"},
    )
    last_month = MonthField(
        label="Last month of data",
        help_text="As year and month, for example 2024-03 for data to March 2024",
        error_messages={"required": "Enter the last month of data"},
    )
    years = forms.IntegerField(
        min_value=2,
        max_value=10,
        initial=5,
        label="How many years to compare",
        error_messages={
            "required": "Enter how many years to compare",
            "min_value": "Compare at least 2 years",
            "max_value": "Compare at most 10 years",
            "invalid": "Enter a whole number of years, like 5",
        },
    )
    indicator_set = forms.ModelChoiceField(
        queryset=IndicatorSet.objects.none(),
        required=False,
        label="Indicator set",
        empty_label="None: only the indicators ticked below",
        help_text="Its indicators are rows of the headline table, in its order, after any ticked below",
    )
    indicators = forms.ModelMultipleChoiceField(
        queryset=Indicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Other indicators it covers",
        help_text="Each becomes a row of the headline table and an issue to score",
    )
    scoring_model = forms.ChoiceField(
        widget=forms.RadioSelect,
        label="Scoring model",
        help_text="The weights can be changed later, on the assessment's settings page",
        error_messages={"required": "Choose a scoring model"},
    )
    # Offered only once the periods chosen include some the store holds no data for (see clean).
    accept_periods_without_data = forms.BooleanField(
        required=False,
        label="Create it anyway: those periods will show “No data held”",
    )

    def __init__(
        self,
        *args: Any,
        indicators: Any,
        sets: Any,
        assessments: Any,
        periods_without_data: Callable[..., dict[str, tuple[str, ...]]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.periods_without_data = periods_without_data
        self.accept_field = self.fields.pop("accept_periods_without_data")
        self.fields["years"].widget.attrs["class"] = "govuk-input--width-2"
        self.fields["indicator_set"].queryset = sets  # type: ignore[attr-defined]
        self.fields["indicators"].queryset = indicators  # type: ignore[attr-defined]
        self.fields["indicators"].label_from_instance = lambda i: (  # type: ignore[attr-defined]
            i.name if i.partnership_id is None else f"{i.name} (your own)"
        )
        models = [(slug, model.name) for slug, model in shipped_models().items()]
        self.fields["scoring_model"].choices = models  # type: ignore[attr-defined]
        self.assessments = assessments

    def clean_label(self) -> str:
        label = self.cleaned_data["label"].strip()
        if not _LABEL.match(label):
            raise forms.ValidationError("Use letters, numbers, spaces, slashes and dashes only, like 2023/24")
        if self.assessments.filter(label=label).exists():
            raise forms.ValidationError(f"There is already an assessment for {label}")
        return label

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("indicator_set") and not data.get("indicators") and "indicators" not in self.errors:
            self.add_error("indicators", "Choose an indicator set or at least one indicator")
        if not self.errors:
            self._confirm_periods_without_data(data)
        return data

    def _confirm_periods_without_data(self, data: dict[str, Any]) -> None:
        """Before an assessment is made over periods the store holds no data for, say which, and ask."""
        empty = self.periods_without_data(
            self.chosen_indicators(),
            kind=data["period_kind"],
            years=data["years"],
            last_month=data["last_month"],
        )
        if not empty:
            return
        self.fields["accept_periods_without_data"] = self.accept_field
        name = self.add_prefix("accept_periods_without_data")
        if self.accept_field.widget.value_from_datadict(self.data, self.files, name):
            return
        gaps = "; ".join(f"{sources}: {', '.join(labels)}" for sources, labels in empty.items())
        self.add_error(
            "accept_periods_without_data",
            f"The store holds no data for some periods this assessment covers ({gaps}). Change the last "
            "month or the number of years, or tick the box to create it with those periods showing "
            "“No data held”",
        )

    def chosen_indicators(self) -> list[Indicator]:
        """Those ticked, in the order offered (total crime first), then the set's, in the set's order."""
        ticked = {indicator.pk for indicator in self.cleaned_data["indicators"]}
        chosen = [i for i in self.fields["indicators"].queryset if i.pk in ticked]  # type: ignore[attr-defined]
        chosen_set = self.cleaned_data.get("indicator_set")
        if chosen_set is not None:
            members = [member.indicator for member in chosen_set.members.select_related("indicator")]
            chosen += [indicator for indicator in members if indicator.pk not in ticked]
        return chosen


class IssueForm(forms.Form):
    title = forms.CharField(max_length=200, label="Issue", error_messages={"required": "Enter the issue"})
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="What it covers (optional)"
    )


def score_choices(dimension: Dimension) -> list[tuple[str, str]]:
    """The dimension's scores, each with the words of its own scale: "3 – Most of what it needs"."""
    return [(str(value), f"{value} – {words}") for value, words in enumerate(dimension.scale)]


class ScoreForm(forms.Form):
    """One partner's scores of one issue: a choice for each dimension they score, and why."""

    def __init__(self, *args: Any, model: ScoringModel, dimensions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        for slug in dimensions:
            dimension = model.dimension(slug)
            self.fields[slug] = forms.ChoiceField(
                choices=score_choices(dimension),
                widget=forms.RadioSelect,
                required=False,
                label=f"{dimension.label} ({GROUP_LABELS[dimension.group].lower()})",
                help_text=f"{dimension.help} {model.direction(dimension)}".strip(),
            )
        self.fields["rationale"] = forms.CharField(
            widget=forms.Textarea(attrs={"rows": 4}),
            required=False,
            max_length=4000,
            label="Why you scored it so",
            help_text="The evidence and judgement behind your scores: the workshop reads it",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(slug) for slug in self.dimensions):
            raise forms.ValidationError("Score at least one dimension")
        return data

    def scores(self) -> dict[str, tuple[int | None, str]]:
        rationale = self.cleaned_data.get("rationale", "")
        return {
            slug: (int(self.cleaned_data[slug]) if self.cleaned_data.get(slug) else None, rationale)
            for slug in self.dimensions
        }


class AgreeForm(forms.Form):
    """The agreed score of an issue on each dimension partners score; blank leaves it to their median."""

    def __init__(self, *args: Any, model: ScoringModel, dimensions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        for slug in dimensions:
            dimension = model.dimension(slug)
            self.fields[slug] = forms.ChoiceField(
                choices=[("", "Not agreed (use the partners’ median)"), *score_choices(dimension)],
                required=False,
                label=dimension.label,
                help_text=model.direction(dimension),
            )
        self.fields["rationale"] = forms.CharField(
            widget=forms.Textarea(attrs={"rows": 3}),
            required=False,
            max_length=4000,
            label="What the partners agreed, and why",
        )

    def agreed(self) -> dict[str, int | None]:
        return {
            slug: int(self.cleaned_data[slug]) if self.cleaned_data.get(slug) else None
            for slug in self.dimensions
        }


class ChooseForm(forms.Form):
    issue = forms.ModelChoiceField(
        queryset=Issue.objects.none(),
        label="Issue",
        empty_label="Choose an issue",
        error_messages={"required": "Choose the issue to make a priority"},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        label="Why the partnership chose it",
        help_text="The record the plan links to: what in the assessment justified it",
        error_messages={"required": "Enter why the partnership chose it"},
    )

    def __init__(self, *args: Any, issues: Any, ranks: dict[int, int | None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issue"].queryset = issues  # type: ignore[attr-defined]
        self.fields["issue"].label_from_instance = lambda issue: (  # type: ignore[attr-defined]
            f"{issue.title} (ranked {ranks[issue.pk]})"
            if ranks.get(issue.pk)
            else f"{issue.title} (not ranked)"
        )


class AddToPlanForm(forms.Form):
    plan = forms.ModelChoiceField(
        queryset=Plan.objects.none(),
        label="Plan",
        empty_label="Choose a plan",
        error_messages={"required": "Choose the plan to add the priority to"},
    )

    def __init__(self, *args: Any, plans: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]


def weighted_dimensions(model: ScoringModel) -> tuple[Dimension, ...]:
    """The dimensions whose weight changes a score: confidence sets a multiplier, its weight does nothing."""
    return tuple(d for d in model.dimensions if d.group != "confidence")


class SettingsForm(forms.Form):
    """The assessment's summary, hotspot grid, comparators and scoring weights."""

    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=20000,
        label="Summary",
        help_text="The report opens with it: what the assessment found, in plain words",
    )
    cell_size = forms.IntegerField(
        min_value=50,
        max_value=2000,
        label="Hotspot grid cell size, in metres",
        error_messages={
            "required": "Enter the cell size in metres",
            "min_value": "Use cells of at least 50 metres",
            "max_value": "Use cells of at most 2,000 metres",
            "invalid": "Enter the cell size as a whole number of metres, like 250",
        },
    )
    comparator_codes = forms.CharField(
        required=False,
        label="Family of similar areas (optional)",
        help_text="ONS codes of districts to compare with, separated by commas, like E07000134, E07000135",
    )
    position_weight = forms.DecimalField(
        min_value=0,
        max_value=1,
        decimal_places=2,
        label="How much the partnership's position counts (0 to 1)",
        help_text="0 ranks on risk alone; 1 scales risk fully by capacity, capability and influence",
        error_messages={"invalid": "Enter a number from 0 to 1, like 0.5"},
    )

    def __init__(self, *args: Any, model: ScoringModel, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.model = model
        self.fields["cell_size"].widget.attrs["class"] = "govuk-input--width-5"
        self.fields["position_weight"].widget.attrs["class"] = "govuk-input--width-4"
        for dimension in weighted_dimensions(model):
            group = GROUP_LABELS[dimension.group].lower()
            self.fields[f"weight_{dimension.slug}"] = forms.DecimalField(
                min_value=0,
                max_value=10,
                decimal_places=2,
                label=f"{dimension.label} ({group}): weight",
                help_text=f"From 0 to 10: how much it counts in the {group} score, against the other "
                f"{group} dimensions",
                error_messages={
                    "required": f"Enter the weight of {dimension.label}",
                    "invalid": f"Enter the weight of {dimension.label} as a number, like 1",
                    "max_value": "Use a weight of at most 10",
                    "min_value": "Use a weight of 0 or more",
                },
            )
            self.fields[f"weight_{dimension.slug}"].widget.attrs["class"] = "govuk-input--width-4"

    def clean_comparator_codes(self) -> list[str]:
        codes = [c.strip().upper() for c in self.cleaned_data["comparator_codes"].split(",") if c.strip()]
        wrong = [c for c in codes if not _ONS_CODE.match(c)]
        if wrong:
            raise forms.ValidationError(f"{wrong[0]} is not an ONS area code, like E07000134")
        unknown = sorted(set(codes) - set(area_names(codes)))
        if unknown:
            raise forms.ValidationError(f"There is no area {unknown[0]}: import its geography first")
        return list(dict.fromkeys(codes))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        given = {
            d.slug: float(cleaned[f"weight_{d.slug}"])
            for d in weighted_dimensions(self.model)
            if cleaned.get(f"weight_{d.slug}") is not None
        }
        if weightless := self.model.with_weights(given).weightless_group():
            slug, message = weightless
            self.add_error(f"weight_{slug}", message)
        return cleaned

    def scoring_model(self) -> ScoringModel:
        return self.model.with_weights(
            {d.slug: float(self.cleaned_data[f"weight_{d.slug}"]) for d in weighted_dimensions(self.model)},
            position_weight=float(self.cleaned_data["position_weight"]),
        )

    @staticmethod
    def initial_for(assessment: Assessment, model: ScoringModel) -> dict[str, Any]:
        return {
            "summary": assessment.summary,
            "cell_size": assessment.cell_size,
            "comparator_codes": ", ".join(assessment.comparator_codes),
            "position_weight": model.position_weight,
            **{f"weight_{d.slug}": d.weight for d in weighted_dimensions(model)},
        }
