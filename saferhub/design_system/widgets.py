from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
