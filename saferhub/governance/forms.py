"""The register's forms: an agreement's terms (drafting, its dates once signed, amending it once active), its
parties, and the steps of its lifecycle. They validate only: the services write."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from saferhub.design_system.forms import ValidatingModelForm
from saferhub.design_system.widgets import DateInput
from saferhub.governance.models import (
    AgreementParty,
    DataItem,
    LawfulBasis,
    PartyRole,
    SharingAgreement,
    SpecialCategoryCondition,
)
from saferhub.governance.services import DATE_FIELDS
from saferhub.partnerships.models import Organisation

TERMS_FIELDS = [
    "title",
    "purpose",
    "lawful_basis",
    "special_category_condition",
    "criminal_offence_data",
    "crime_and_disorder_s115",
    "crime_and_disorder_s17a",
    "other_gateways",
    "data_items",
    "retention",
    "security",
    "high_risk",
    "dpia_reference",
    "starts_on",
    "ends_on",
    "review_on",
]
REAL_DATE = "Enter a real date"


def _dates_checked(form: forms.BaseForm, cleaned: dict[str, Any]) -> dict[str, Any]:
    """The agreement's dates in order: it starts, is reviewed after it starts, and ends on or after both."""
    starts_on, ends_on, review_on = (cleaned.get(name) for name in DATE_FIELDS)
    if starts_on and ends_on and ends_on < starts_on:
        form.add_error("ends_on", "The end date must be on or after the date the sharing starts")
    if starts_on and review_on and review_on <= starts_on:
        form.add_error("review_on", "The review date must be after the date the sharing starts")
    if ends_on and review_on and review_on > ends_on:
        form.add_error("review_on", "The review date must be on or before the end date")
    return cleaned


class AgreementForm(ValidatingModelForm):
    """Every heading of the ICO's checklist that the register keeps, with the dates."""

    # Declared, so that its radios have no blank choice.
    lawful_basis = forms.ChoiceField(
        label="Lawful basis (UK GDPR Article 6)",
        choices=LawfulBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the lawful basis of the sharing"},
    )

    data_items = forms.MultipleChoiceField(
        label="Data items the parties share",
        choices=DataItem.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the data items the parties share"},
    )

    class Meta:
        model = SharingAgreement
        fields = TERMS_FIELDS
        labels = {
            "title": "Title",
            "purpose": "Purpose of the sharing",
            "special_category_condition": "Condition for special category data (UK GDPR Article 9)",
            "criminal_offence_data": "The parties share criminal offence data (Article 10)",
            "crime_and_disorder_s115": "Crime and Disorder Act 1998 section 115 (the power to share)",
            "crime_and_disorder_s17a": "Crime and Disorder Act 1998 section 17A (the duty to share "
            "depersonalised data)",
            "other_gateways": "Other legal gateways (optional)",
            "retention": "Retention and destruction",
            "security": "Security and breach handling",
            "high_risk": "The sharing is likely to result in high risk to people (a DPIA is mandatory)",
            "dpia_reference": "Data protection impact assessment reference",
            "starts_on": "Date the sharing starts",
            "ends_on": "Date the agreement ends (optional)",
            "review_on": "Date of its next review",
        }
        help_texts = {
            "other_gateways": "For example the Police, Crime, Sentencing and Courts Act 2022 section 16, or "
            "the Anti-social Behaviour, Crime and Policing Act 2014 Schedule 4.",
            "dpia_reference": "Needed before a high-risk agreement goes for review.",
            "criminal_offence_data": "",
            "crime_and_disorder_s115": "",
            "crime_and_disorder_s17a": "",
            "high_risk": "",
            "retention": "How long each party keeps the data, and how it is destroyed.",
            "security": "How the data is kept and sent securely, and how a breach is handled.",
        }
        widgets = {
            "special_category_condition": forms.RadioSelect(choices=SpecialCategoryCondition.choices),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "review_on": DateInput(),
        }
        error_messages = {
            "title": {"required": "Enter a title for the agreement"},
            "purpose": {"required": "Say what the sharing is for"},
            "retention": {"required": "Say how long the data is kept and how it is destroyed"},
            "security": {"required": "Say how the data is kept secure"},
            "starts_on": {"invalid": REAL_DATE},
            "ends_on": {"invalid": REAL_DATE},
            "review_on": {"invalid": REAL_DATE},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk is not None:
            self.initial["data_items"] = list(self.instance.data_items)

    def clean_data_items(self) -> list[str]:
        chosen = set(self.cleaned_data["data_items"])
        return [item.value for item in DataItem if item.value in chosen]

    def clean(self) -> dict[str, Any]:
        cleaned = _dates_checked(self, super().clean() or {})
        if cleaned.get("high_risk") and not (cleaned.get("dpia_reference") or "").strip():
            self.add_error(
                "dpia_reference", "Enter the reference of the impact assessment: the sharing is high risk"
            )
        return cleaned

    def changed_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AgreementDatesForm(ValidatingModelForm):
    """A signed agreement, not yet active: only its dates change."""

    class Meta:
        model = SharingAgreement
        fields = list(DATE_FIELDS)
        labels = {name: AgreementForm.Meta.labels[name] for name in DATE_FIELDS}
        widgets = {name: DateInput() for name in DATE_FIELDS}
        error_messages = {name: {"invalid": REAL_DATE} for name in DATE_FIELDS}

    def clean(self) -> dict[str, Any]:
        return _dates_checked(self, super().clean() or {})

    def changed_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in DATE_FIELDS}


class AmendForm(AgreementForm):
    """An active agreement's terms, changed with why and its next review date (after today)."""

    comment = forms.CharField(
        label="What changed, and why",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what changed and why: an agreement is amended only with a comment"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["review_on"].required = True
        self.fields["review_on"].error_messages["required"] = "Enter the date of its next review"

    def clean_review_on(self) -> Any:
        review_on = self.cleaned_data.get("review_on")
        if review_on is not None and review_on <= timezone.localdate():
            raise forms.ValidationError("The next review date must be after today")
        return review_on


class PartyForm(ValidatingModelForm):
    """An organisation party to the agreement: which one (when adding), its role, who signed for it."""

    class Meta:
        model = AgreementParty
        fields = ["organisation", "role", "signatory_name", "signatory_role", "signed_on"]
        labels = {
            "organisation": "Organisation",
            "role": "Its role",
            "signatory_name": "Name of who signed for it (optional until it signs)",
            "signatory_role": "Their role (optional)",
            "signed_on": "Date it signed (optional until it signs)",
        }
        help_texts = {"signatory_name": "A senior manager: the ICO expects senior sign-off."}
        widgets = {"role": forms.RadioSelect(choices=PartyRole.choices), "signed_on": DateInput()}
        error_messages = {
            "organisation": {
                "required": "Select the organisation",
                "invalid_choice": "Select one of the partnership's organisations",
            },
            "signed_on": {"invalid": REAL_DATE},
        }

    def __init__(
        self, *args: Any, organisations: QuerySet[Organisation] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if organisations is None:
            # Editing: the organisation stays (remove the party and add another instead).
            del self.fields["organisation"]
        else:
            field = self.fields["organisation"]
            field.queryset = organisations  # type: ignore[attr-defined]
            field.empty_label = "Select an organisation"  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        signed_on = cleaned.get("signed_on")
        if signed_on and signed_on > timezone.localdate():
            self.add_error("signed_on", "The date it signed must be today or in the past")
        if signed_on and not (cleaned.get("signatory_name") or "").strip():
            self.add_error("signatory_name", "Enter the name of who signed for it")
        return cleaned

    def party_values(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in ("role", "signatory_name", "signatory_role", "signed_on")
        }


class StepForm(forms.Form):
    """A step of the agreement's lifecycle from its page: which, why, and (renewing) the next review date."""

    step = forms.CharField(error_messages={"required": "Choose a step the agreement can take"})
    comment = forms.CharField(required=False, widget=forms.Textarea)
    review_on = forms.DateField(
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Enter a real date for the next review"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("step") == "renew"
            and cleaned.get("review_on") is None
            and "review_on" not in self.errors
        ):
            self.add_error("review_on", "Enter the date of its next review")
        return cleaned
