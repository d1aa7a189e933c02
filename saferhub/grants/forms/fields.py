"""The fields the funding forms share: an amount of money in pounds, a long answer."""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from saferhub.design_system.filters import pounds

# The longest answer a text box takes.
MAX_TEXT = 5000


class PoundsField(forms.CharField):
    """An amount of money typed in pounds ("£12,000" or "12000.50"), cleaned to whole pence."""

    def __init__(self, *, minimum_pence: int = 1, maximum_pence: int = 10**12, **kwargs: Any) -> None:
        self.minimum_pence, self.maximum_pence = minimum_pence, maximum_pence
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        text = re.sub(r"[£,\s]", "", super().to_python(value) or "").replace("\N{MINUS SIGN}", "-")
        if not text:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError("Enter an amount in pounds, like 12000 or 12,000.50") from None
        if not amount.is_finite():
            raise forms.ValidationError("Enter an amount in pounds, like 12000 or 12,000.50")
        # Checked before quantizing, which cannot hold more digits than the context allows ("1e30", "-1e30").
        if amount * 100 < self.minimum_pence:
            raise forms.ValidationError(f"Enter an amount of {pounds(self.minimum_pence)} or more")
        if amount * 100 > self.maximum_pence:
            raise forms.ValidationError(f"Enter an amount of {pounds(self.maximum_pence)} or less")
        if amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(
                "Enter an amount in pounds and pence, with no more than 2 decimal places"
            )
        pence = int(amount * 100)
        if pence < self.minimum_pence:
            raise forms.ValidationError(f"Enter an amount of {pounds(self.minimum_pence)} or more")
        if pence > self.maximum_pence:
            raise forms.ValidationError(f"Enter an amount of {pounds(self.maximum_pence)} or less")
        return pence

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return pounds(value).removeprefix("£")
        return value


def text_box(label: str, *, required: str = "", hint: str = "", rows: int = 4) -> forms.CharField:
    """A text area of up to MAX_TEXT characters: `required` is the error when it is left empty; without
    one, it may be."""
    return forms.CharField(
        label=label,
        help_text=hint,
        required=bool(required),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required, "max_length": f"Write {MAX_TEXT:,} characters or fewer"},
    )
