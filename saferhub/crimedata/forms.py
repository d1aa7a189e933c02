"""Forms of the crime data pages. They validate only: the services import, save and audit."""

import re
from typing import Any

from django import forms
from django.conf import settings

from saferhub.crimedata.models import ColumnMapping, Indicator
from saferhub.geography import selectors as geography
from saferhub.partnerships.models import Partnership

POLICEUK = "police.uk"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ONS_CODE = re.compile(r"^[A-Z][0-9]{8}$")
MAPPING_MAX_LENGTH = 100_000
FLAG_LABELS = {
    "domestic": "Domestic abuse flag",
    "alcohol": "Alcohol-related flag",
    "hate": "Hate crime flag",
    "rural": "Rural crime flag",
}


def megabytes(size: int) -> str:
    """A size as people read it: '200 MB', or '512 KB' below a megabyte."""
    if size < 1024**2:
        return f"{max(1, round(size / 1024)):,} KB"
    return f"{size / 1024**2:,.0f} MB"


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you importing?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you are importing", "invalid_choice": "Select an option"},
    )
    file = forms.FileField(
        label="Upload a file",
        max_length=255,
        allow_empty_file=False,
        error_messages={
            "required": "Select a file to import",
            "empty": "The selected file is empty",
            "invalid": "Select a file to import",
            "max_length": "The selected file's name must be 255 characters or fewer",
        },
    )

    def __init__(
        self,
        *args: Any,
        mappings: list[ColumnMapping],
        policeuk_allowed: bool,
        too_large: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.policeuk_allowed = policeuk_allowed
        self.mappings = {str(mapping.public_id): mapping for mapping in mappings}
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (POLICEUK, "police.uk files (CSV or the zip police.uk gives you)"),
            *((key, f"{mapping.name} (local extract)") for key, mapping in self.mappings.items()),
        ]
        self.limit = settings.SAFERHUB_MAX_UPLOAD_BYTES
        self.fields["file"].help_text = (
            f"A CSV, XLSX or ZIP file, smaller than {megabytes(self.limit)}. "
            "police.uk files are CSVs, or the zip of them police.uk gives you."
        )
        if too_large:
            # The upload was stopped as it arrived, so the file is missing: say why, not 'select a file'.
            self.fields["file"].error_messages["required"] = self.too_large_message

    @property
    def too_large_message(self) -> str:
        return f"The selected file must be smaller than {megabytes(self.limit)}"

    @property
    def mapping(self) -> ColumnMapping | None:
        """The column mapping chosen, or None for police.uk files."""
        return self.mappings.get(self.cleaned_data.get("kind", POLICEUK))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == POLICEUK and not self.policeuk_allowed:
            self.add_error(
                "kind",
                "police.uk data is shared by every partnership in the force area, so only the analysts and "
                "managers of the force area's partnership can import it",
            )
        upload = data.get("file")
        if upload is None:
            return data
        name = (upload.name or "").lower()
        if upload.size is not None and upload.size > self.limit:
            self.add_error("file", self.too_large_message)
        elif not name.endswith((".csv", ".zip", ".xlsx")):
            self.add_error("file", "The selected file must be a CSV, XLSX or ZIP file")
        elif data.get("kind") == POLICEUK and not name.endswith((".csv", ".zip")):
            self.add_error("file", "The selected file must be a CSV or ZIP file for police.uk files")
        return data


class MappingForm(forms.Form):
    text = forms.CharField(
        label="Column mapping",
        help_text="Paste the mapping file (TOML, or JSON). "
        "A mapping with the slug of a saved one replaces it.",
        max_length=MAPPING_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 20}),
        error_messages={
            "required": "Paste the column mapping",
            "max_length": f"The column mapping must be {MAPPING_MAX_LENGTH:,} characters or fewer",
        },
    )


class ConfirmForm(forms.Form):
    """A button that asks nothing more: the POST is the confirmation."""


class SourcesForm(forms.Form):
    """The first step of defining an indicator: which data it counts."""

    sources = forms.MultipleChoiceField(
        label="Which data does the indicator count?",
        help_text="Select all that apply. The next page lists the categories these hold.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the data the indicator counts",
            "invalid_choice": "Select from the data held",
        },
    )

    def __init__(self, *args: Any, sources: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sources"].choices = list(sources.items())  # type: ignore[attr-defined]


class IndicatorForm(forms.Form):
    """The second step: what the indicator is called and which of the sources' rows it counts (also the
    page that changes a saved indicator, whose data and short name stay as they are)."""

    @classmethod
    def initial_of(cls, indicator: Indicator) -> dict[str, Any]:
        """A saved indicator's definition as the form's initial values."""
        flags = {flag: "yes" if value else "no" for flag, value in indicator.flags.items()}
        return {
            "name": indicator.name,
            "description": indicator.description,
            "categories": list(indicator.categories),
            "area_code": indicator.area_code,
            "per_1000": indicator.per_1000,
            **flags,
        }

    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="What tables and charts call it, for example ‘Domestic burglary’",
        error_messages={
            "required": "Enter a name for the indicator",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    slug = forms.CharField(
        label="Short name",
        max_length=80,
        help_text="Lower-case letters, digits and hyphens, for example domestic-burglary. "
        "Indicator files and the API name the indicator by it.",
        error_messages={
            "required": "Enter a short name for the indicator",
            "max_length": "The short name must be 80 characters or fewer",
        },
    )
    description = forms.CharField(
        label="What it counts, in words (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    categories = forms.MultipleChoiceField(
        label="Categories counted",
        required=False,
        help_text="Leave them all unselected to count every category.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select categories the chosen data holds"},
    )
    area_code = forms.CharField(
        label="Area (optional)",
        required=False,
        max_length=20,
        error_messages={"max_length": "Enter an ONS code, like E05010511"},
    )
    per_1000 = forms.BooleanField(label="Also show a rate per 1,000 residents", required=False)

    def __init__(
        self,
        *args: Any,
        partnership: Partnership,
        sources: dict[str, str],
        categories: dict[str, tuple[str, ...]],
        flags: tuple[str, ...],
        editing: Indicator | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.sources = sources
        self.editing = editing
        if editing is not None:
            # Files and the API name an indicator by its short name: it stays as it is.
            del self.fields["slug"]
        several = len(sources) > 1
        self.fields["categories"].choices = [  # type: ignore[attr-defined]
            (category, f"{category} ({', '.join(sources[s] for s in found)})" if several else category)
            for category, found in sorted(categories.items())
        ]
        if not categories:
            self.fields["categories"].help_text = "The data chosen holds no categories yet: every row counts."
        for flag in flags:
            self.fields[flag] = forms.ChoiceField(
                label=FLAG_LABELS[flag],
                choices=[("any", "Any"), ("yes", "Yes"), ("no", "No")],
                initial="any",
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Select any, yes or no",
                    "invalid_choice": "Select any, yes or no",
                },
            )
        self.flags = flags
        codes = ", ".join(partnership.area_codes) or "none recorded"
        self.fields["area_code"].help_text = (
            f"The ONS code of the area to count, such as a ward or district. Leave it blank to count "
            f"{partnership.name}’s own areas ({codes})."
        )
        # Fields in reading order: the flags follow the categories.
        order = ["name", "slug", "description", "categories", *flags, "area_code", "per_1000"]
        if editing is not None:
            order.remove("slug")
        self.order_fields(order)

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].strip()
        if not _SLUG.match(slug):
            raise forms.ValidationError(
                "The short name must be lower-case letters, digits and hyphens, "
                "starting with a letter or digit"
            )
        if Indicator.objects.filter(partnership=self.partnership, slug=slug).exists():
            raise forms.ValidationError("This partnership already has an indicator with this short name")
        return slug

    def clean_area_code(self) -> str:
        code = self.cleaned_data["area_code"].strip().upper()
        if not code:
            return ""
        if not _ONS_CODE.match(code):
            raise forms.ValidationError("Enter an ONS code, like E05010511: a letter and eight digits")
        if geography.area_by_code(code) is None:
            raise forms.ValidationError("Enter the ONS code of an area whose geography is held")
        return code

    def indicator_values(self) -> dict[str, Any]:
        """The definition, as services.indicator_save takes it."""
        data = self.cleaned_data
        return {
            "slug": self.editing.slug if self.editing is not None else data["slug"],
            "name": data["name"],
            "description": data["description"],
            "sources": list(self.sources),
            "categories": list(data["categories"]),
            "flags": {flag: data[flag] == "yes" for flag in self.flags if data.get(flag) in ("yes", "no")},
            "area_code": data["area_code"],
            "per_1000": data["per_1000"],
        }
