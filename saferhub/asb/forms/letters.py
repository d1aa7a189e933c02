"""The form of a partnership's own wording of a letter: its title and body, with placeholders."""

from typing import Any

from django import forms

from saferhub.asb.letters import LETTER_STAGES, PLACEHOLDERS, allowed_placeholders, unknown_placeholders


def _placeholders_known(text: str) -> str:
    unknown = unknown_placeholders(text)
    if unknown:
        names = ", ".join("{" + name + "}" for name in unknown)
        raise forms.ValidationError(
            f"{names} {'is not a placeholder' if len(unknown) == 1 else 'are not placeholders'} a letter "
            f"can fill in: use only {allowed_placeholders()}"
        )
    return text


class LetterTemplateForm(forms.Form):
    stage = forms.CharField(widget=forms.HiddenInput)
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter the letter's title"}
    )
    body = forms.CharField(
        label="Wording",
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=20000,
        error_messages={"required": "Enter the letter's wording"},
        help_text=(
            "Plain text; a blank line starts a new paragraph. These placeholders are filled in for each "
            "letter: " + "; ".join("{" + name + "} " + meaning for name, meaning in PLACEHOLDERS.items())
        ),
    )

    def clean_stage(self) -> str:
        stage: str = self.cleaned_data["stage"]
        if stage not in LETTER_STAGES:
            raise forms.ValidationError("Choose a letter from the list of letters")
        return stage

    def clean_title(self) -> str:
        return _placeholders_known(self.cleaned_data["title"])

    def clean_body(self) -> str:
        return _placeholders_known(self.cleaned_data["body"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "stage" in self.errors:
            # The stage is a hidden field: its error goes where the person can read it.
            self.add_error(None, self.errors.pop("stage"))
        return cleaned
