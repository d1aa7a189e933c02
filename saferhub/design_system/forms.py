from django import forms


class ValidatingModelForm(forms.ModelForm):
    """A ModelForm that validates but never changes its instance: services do the writing (and auditing)."""

    def _post_clean(self) -> None:
        pass
