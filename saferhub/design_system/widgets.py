from typing import Any

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# A date a person types outside these years is a slip of the keyboard (0001 for 2001), not a record: refused
# before it reaches references, deadlines and reports.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


class DateField(forms.DateField):
    """A date typed in the browser's date picker, between 1900 and 2100."""

    widget = DateInput

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            raise forms.ValidationError(
                f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}", code="out_of_range"
            )
