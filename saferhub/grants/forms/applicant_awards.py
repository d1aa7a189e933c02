"""An applicant organisation's forms for its award: answering the offer, asking for a variation, the final
report; and withdrawing an application. They validate only: the services write."""

from typing import Any, cast

from django import forms

from saferhub.grants.forms.fields import PoundsField, text_box

ACCEPT, DECLINE = "accept", "decline"


class OfferResponseForm(forms.Form):
    """Accept or decline the offer; accepting also confirms the organisation takes on its conditions."""

    answer = forms.ChoiceField(
        label="Do you accept the offer?",
        choices=[(ACCEPT, "Yes, we accept the offer"), (DECLINE, "No, we decline the offer")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether you accept or decline the offer",
            "invalid_choice": "Select whether you accept or decline the offer",
        },
    )
    conditions_accepted = forms.BooleanField(
        label="Our organisation will meet the offer's conditions, report on the project every quarter and "
        "spend the money only as the budget says",
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("answer") == ACCEPT and not data.get("conditions_accepted"):
            self.add_error(
                "conditions_accepted", "Confirm that your organisation will meet the offer's conditions"
            )
        return data

    @property
    def accepts(self) -> bool:
        return bool(self.cleaned_data["answer"] == ACCEPT)


class VariationForm(forms.Form):
    """What should change and why, and the money it adds to the award (negative to take some away)."""

    description = text_box(
        "What should change, and why?",
        required="Say what should change, and why",
        rows=6,
        hint="For example: a later end date, moving money between budget lines, or more money for a new "
        "activity.",
    )
    amount_pence = PoundsField(
        label="Money to add to the award, in pounds (optional)",
        help_text="Leave blank or enter 0 if the award stays the same. To take money away, put a minus sign "
        "before the amount, like -500.",
        required=False,
    )

    def __init__(self, *args: Any, granted_pence: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The award cannot be taken below nothing; an increase is bounded by what the fund has left when the
        # partnership decides.
        cast(PoundsField, self.fields["amount_pence"]).minimum_pence = -granted_pence

    def values(self) -> dict[str, Any]:
        return {
            "description": self.cleaned_data["description"],
            "amount_pence": self.cleaned_data["amount_pence"] or 0,
        }


class FinalReportForm(forms.Form):
    report = text_box(
        "Your final report",
        required="Write the final report before you send it",
        rows=6,
        hint="What the project did, what it achieved against its outcomes, what the money was spent on, and "
        "what you learned.",
    )


class WithdrawForm(forms.Form):
    reason = text_box(
        "Why are you withdrawing the application?",
        required="Say why you are withdrawing the application",
        rows=6,
    )
