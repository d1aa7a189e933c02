"""Inviting a partner organisation to a case: only those an agreement in force joins to the lead
organisation are offered, each with the data items it would see."""

from typing import Any, cast

from django import forms

from saferhub.asb.selectors.cases import SharingOption


class InviteForm(forms.Form):
    organisation = forms.ChoiceField(
        label="Organisation",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the organisation to invite",
            "invalid_choice": "Select one of the organisations an agreement lets this case be shared with",
        },
    )

    def __init__(self, *args: Any, options: list[SharingOption], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = {str(option.organisation.public_id): option for option in options}
        field = cast(forms.ChoiceField, self.fields["organisation"])
        field.choices = [
            (key, f"{option.organisation.name} (would see: {'; '.join(option.items)})")
            for key, option in self.options.items()
        ]

    def chosen(self) -> SharingOption:
        return self.options[self.cleaned_data["organisation"]]
