"""The forms of assessing an application: eligibility, a conflict of interest, scores, moderation and the
decision. They validate only: the services write."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django import forms

from saferhub.grants.forms.fields import text_box
from saferhub.grants.models import Criterion, Decision
from saferhub.grants.selectors.assessing import ScoreSpread


class EligibilityForm(forms.Form):
    eligible = forms.TypedChoiceField(
        label="Is the application eligible?",
        choices=[("yes", "Eligible: pass it to the assessors"), ("no", "Not eligible")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the application is eligible"},
    )
    reason = text_box(
        "Reasons", hint="Needed when it is not eligible: they are kept in the application's history"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("eligible") is False and not data.get("reason", "").strip():
            self.add_error("reason", "Say why the application is not eligible")
        return data


class ConflictForm(forms.Form):
    reason = text_box(
        "What is the conflict of interest?",
        hint="For example, you sit on the organisation's board or work with the project",
        required="Say what the conflict is",
    )


class CriterionScoresForm(forms.Form):
    """A score for each of the round's criteria, from 0 to the criterion's most, with a text beside each."""

    score_label = "Score for ‘{}’"
    text_label = "Comment on ‘{}’"

    def __init__(self, *args: Any, criteria: Sequence[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            between = f"Enter a whole number from 0 to {criterion.max_score} for ‘{criterion.name}’"
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=self.score_label.format(criterion.name),
                help_text=" ".join(
                    part
                    for part in (
                        f"From 0 to {criterion.max_score}; it weighs {criterion.weight} in the total.",
                        criterion.guidance,
                    )
                    if part
                ),
                min_value=0,
                max_value=criterion.max_score,
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "spellcheck": "false", "class": "govuk-input--width-2"}
                ),
                error_messages={
                    "required": f"Enter a score for ‘{criterion.name}’",
                    "invalid": between,
                    "min_value": between,
                    "max_value": between,
                },
            )
            self.fields[f"text_{criterion.pk}"] = text_box(self.text_label.format(criterion.name), rows=3)

    @staticmethod
    def initial_from(given: Iterable[tuple[Criterion, int, str]]) -> dict[str, Any]:
        """The form's initial values from the (criterion, score, text) saved before."""
        return {
            key: value
            for criterion, score, text in given
            for key, value in ((f"score_{criterion.pk}", score), (f"text_{criterion.pk}", text))
        }

    def values(self) -> dict[Criterion, tuple[int, str]]:
        """{criterion: (score, text)}, as scores_record and moderation_record take them."""
        data = self.cleaned_data
        return {c: (data[f"score_{c.pk}"], data[f"text_{c.pk}"].strip()) for c in self.criteria}


class ScoreForm(CriterionScoresForm):
    """An assessor's own scores, each with a comment."""


class ModerateForm(CriterionScoresForm):
    """The agreed score of each criterion, with the reason wherever the assessors did not all give it."""

    score_label = "Agreed score for ‘{}’"
    text_label = "Reasons for the agreed score for ‘{}’"

    def __init__(self, *args: Any, spreads: Mapping[int, ScoreSpread], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spreads = spreads

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for criterion in self.criteria:
            agreed = data.get(f"score_{criterion.pk}")
            spread = self.spreads[criterion.pk]
            unanimous = bool(spread.values) and spread.low == spread.high == agreed
            if agreed is None or unanimous or data.get(f"text_{criterion.pk}", "").strip():
                continue
            given = (
                "the assessors scored " + ", ".join(map(str, spread.values))
                if spread.values
                else "no assessor scored it"
            )
            self.add_error(
                f"text_{criterion.pk}",
                f"Say why the agreed score for ‘{criterion.name}’ is {agreed}: {given}",
            )
        return data


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a decision"},
    )
    conditions = text_box(
        "Conditions",
        hint="Only when approving with conditions: the offer carries them",
    )
    reason = text_box(
        "Reasons for the decision",
        hint="Kept in the application's history",
        required="Say why: a decision is recorded with its reasons",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision, conditions = data.get("decision"), data.get("conditions", "").strip()
        if decision == Decision.APPROVE_WITH_CONDITIONS and not conditions:
            self.add_error("conditions", "Say what the conditions are, or approve without conditions")
        elif decision and decision != Decision.APPROVE_WITH_CONDITIONS and conditions:
            self.add_error(
                "conditions", "Select ‘Approve with conditions’ to set conditions, or leave them empty"
            )
        return data
