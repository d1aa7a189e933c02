"""The forms of a case's pages: the list's filters, opening and editing a case, an incident, a party, and
closing, reopening, merging and linking. They validate only: the services write (and refuse)."""

import datetime as dt
from typing import Any, cast

from django import forms
from django.db import models
from django.utils import timezone

from saferhub.accounts.models import User
from saferhub.asb.locations import Place
from saferhub.asb.matching import postcode_normalise
from saferhub.asb.models import (
    Case,
    CaseParty,
    CaseStatus,
    HateStrand,
    IncidentCategory,
    PartyKind,
    PartyRole,
    RiskLevel,
)
from saferhub.design_system.widgets import DateField, DateInput
from saferhub.partnerships.models import Organisation

SUMMARY_MAX = 200


TEXT_MAX = 5000


def _date(label: str, *, required: str, hint: str = "", optional: bool = False) -> forms.DateField:
    return DateField(
        label=label,
        help_text=hint,
        required=not optional,
        widget=DateInput(),
        error_messages={"required": required, "invalid": "Enter a real date, like 2026-09-30"},
    )


def _not_future(form: forms.Form, field: str, what: str) -> None:
    day = form.cleaned_data.get(field)
    if day is not None and day > timezone.localdate():
        form.add_error(field, f"{what} must be today or in the past")


def _choice(label: str, choices: Any, *, required: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, error_messages={"required": required})


def _comment(label: str, *, required: str, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": "4"}),
        error_messages={
            "required": required,
            "max_length": f"{label} must be {TEXT_MAX} characters or fewer",
        },
    )


class LocationForm(forms.Form):
    """Where: an address, a postcode, or a point as latitude and longitude (one at least, unless optional)."""

    location_required = True

    address = forms.CharField(
        label="Address", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": "3"})
    )
    postcode = forms.CharField(
        label="Postcode", required=False, max_length=10, help_text="For example, LE1 5FQ"
    )
    latitude = forms.FloatField(
        label="Latitude",
        required=False,
        min_value=49.0,
        max_value=61.0,
        help_text="Or give a point on the map: latitude, like 52.6354",
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
        error_messages={
            "invalid": "Enter the latitude as a number, like 52.6354",
            "min_value": "Enter a latitude in the United Kingdom, between 49 and 61",
            "max_value": "Enter a latitude in the United Kingdom, between 49 and 61",
        },
    )
    longitude = forms.FloatField(
        label="Longitude",
        required=False,
        min_value=-9.0,
        max_value=2.0,
        help_text="Longitude, like -1.1334",
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
        error_messages={
            "invalid": "Enter the longitude as a number, like -1.1334",
            "min_value": "Enter a longitude in the United Kingdom, between -9 and 2",
            "max_value": "Enter a longitude in the United Kingdom, between -9 and 2",
        },
    )

    def clean_postcode(self) -> str:
        text: str = self.cleaned_data["postcode"].strip()
        if text and not postcode_normalise(text):
            raise forms.ValidationError("Enter a real postcode, like LE1 5FQ")
        return postcode_normalise(text)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None) and not self.errors.keys() & {"latitude", "longitude"}:
            missing = "longitude" if longitude is None else "latitude"
            self.add_error(missing, f"Enter the {missing} too: a point needs both")
        if (
            self.location_required
            and not self.errors
            and not self.place().address
            and not (data.get("postcode") or latitude is not None)
        ):
            self.add_error("address", "Enter an address, a postcode, or a latitude and longitude")
        return data

    def place(self) -> Place:
        data = self.cleaned_data
        return Place(
            address=data.get("address") or "",
            postcode=data.get("postcode") or "",
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
        )


class ConfirmedMixin(forms.Form):
    """Set once the person has seen the likely matches and chosen to go on."""

    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class CaseListForm(forms.Form):
    """The case list's filters (GET): every one optional."""

    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *CaseStatus.choices]
    )
    ward = forms.ChoiceField(label="Ward", required=False)
    risk = forms.ChoiceField(label="Risk", required=False, choices=[("", "Any risk"), *RiskLevel.choices])
    mine = forms.BooleanField(label="Only cases I lead", required=False)

    def __init__(self, *args: Any, wards: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["ward"]).choices = [("", "Any ward"), *wards]


class CaseForm(ConfirmedMixin, LocationForm):
    """Opening a case: what it is about, who leads it, since when, and where."""

    summary = forms.CharField(
        label="Summary",
        max_length=SUMMARY_MAX,
        help_text="What the behaviour is, in a line: 'Noise and intimidation from a neighbouring flat'",
        error_messages={
            "required": "Enter a summary of the case",
            "max_length": f"The summary must be {SUMMARY_MAX} characters or fewer",
        },
    )
    lead_organisation = forms.ModelChoiceField(
        label="Lead organisation",
        queryset=Organisation.objects.none(),
        to_field_name="public_id",
        empty_label=None,
        error_messages={
            "required": "Select the organisation that leads the case",
            "invalid_choice": "Select one of the organisations you work cases for",
        },
    )
    lead_officer = forms.ModelChoiceField(
        label="Lead officer",
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody yet",
        error_messages={"invalid_choice": "Select a person who works cases for the lead organisation"},
    )
    opened_on = _date("Opened on", required="Enter the date the case was opened")

    field_order = ("summary", "lead_organisation", "lead_officer", "opened_on", "address", "postcode")

    def __init__(
        self,
        *args: Any,
        organisations: models.QuerySet[Any],
        officers: models.QuerySet[Any],
        officer_organisations: set[tuple[int, int]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        lead_organisation = cast(forms.ModelChoiceField, self.fields["lead_organisation"])
        lead_organisation.queryset = organisations
        lead_officer = cast(forms.ModelChoiceField, self.fields["lead_officer"])
        lead_officer.queryset = officers
        self.officer_organisations = officer_organisations
        self.initial.setdefault("opened_on", timezone.localdate())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _not_future(self, "opened_on", "The date the case was opened")
        officer, organisation = data.get("lead_officer"), data.get("lead_organisation")
        if (
            officer is not None
            and organisation is not None
            and (officer.pk, organisation.pk) not in self.officer_organisations
        ):
            self.add_error("lead_officer", f"{officer} does not work cases for {organisation}")
        return data


class CaseEditForm(LocationForm):
    """Changing a case's summary, lead officer and location."""

    summary = CaseForm.base_fields["summary"]
    lead_officer = CaseForm.base_fields["lead_officer"]

    field_order = ("summary", "lead_officer", "address", "postcode")

    def __init__(self, *args: Any, officers: models.QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lead_officer = cast(forms.ModelChoiceField, self.fields["lead_officer"])
        lead_officer.queryset = officers


class VictimField(forms.ModelChoiceField):
    """One of the case's victims, by name."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.party.name)


class IncidentForm(ConfirmedMixin, LocationForm):
    """One report of behaviour on the case. Its location defaults to the case's."""

    location_required = False

    occurred_on = _date("Date it happened", required="Enter the date the behaviour happened")
    occurred_time = forms.TimeField(
        label="Time it happened",
        help_text="24-hour clock, like 23:30",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": "Enter the time the behaviour happened",
            "invalid": "Enter a real time, like 23:30",
        },
    )
    reported_on = _date("Date reported", required="Enter the date it was reported")
    reporting_organisation = forms.ModelChoiceField(
        label="Reporting organisation",
        queryset=Organisation.objects.none(),
        to_field_name="public_id",
        error_messages={
            "required": "Select the organisation that took the report",
            "invalid_choice": "Select one of the partnership's organisations",
        },
    )
    reference = forms.CharField(
        label="Their reference",
        required=False,
        max_length=60,
        help_text="The reporting organisation's own reference, if it has one",
        error_messages={"max_length": "The reference must be 60 characters or fewer"},
    )
    category = forms.ChoiceField(
        label="Category",
        choices=IncidentCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the category of the behaviour"},
    )
    hate_motivated = forms.BooleanField(label="Hate-motivated", required=False)
    hate_strand = forms.ChoiceField(
        label="Hate strand",
        required=False,
        choices=[("", "Select the strand"), *HateStrand.choices[1:]],
        help_text="Needed when the behaviour is hate-motivated",
    )
    description = _comment("What happened", required="Describe what happened")
    victim = VictimField(
        label="Victim",
        queryset=CaseParty.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label="Not recorded",
        error_messages={"invalid_choice": "Select one of the case's victims"},
    )

    field_order = (
        "occurred_on",
        "occurred_time",
        "reported_on",
        "reporting_organisation",
        "reference",
        "category",
        "hate_motivated",
        "hate_strand",
        "description",
        "victim",
        "address",
        "postcode",
    )

    def __init__(
        self,
        *args: Any,
        organisations: models.QuerySet[Any],
        victims: models.QuerySet[CaseParty],
        case: Case,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        reporting = cast(forms.ModelChoiceField, self.fields["reporting_organisation"])
        reporting.queryset = organisations
        victim = cast(forms.ModelChoiceField, self.fields["victim"])
        victim.queryset = victims
        self.fields["address"].help_text = "Leave the location empty for the case's own"
        self.case = case
        self.initial.setdefault("reported_on", timezone.localdate())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _not_future(self, "occurred_on", "The date it happened")
        _not_future(self, "reported_on", "The date it was reported")
        occurred, reported = data.get("occurred_on"), data.get("reported_on")
        if occurred is not None and reported is not None and reported < occurred:
            self.add_error("reported_on", "The date reported must be on or after the date it happened")
        if data.get("hate_motivated") and not data.get("hate_strand"):
            self.add_error("hate_strand", "Select the hate strand: the behaviour is hate-motivated")
        if data.get("hate_strand") and not data.get("hate_motivated"):
            self.add_error("hate_motivated", "Tick hate-motivated, or leave the strand unselected")
        return data

    def occurred_at(self) -> dt.datetime:
        return timezone.make_aware(
            dt.datetime.combine(self.cleaned_data["occurred_on"], self.cleaned_data["occurred_time"])
        )

    def place(self) -> Place:
        given = super().place()
        if given.address or given.postcode or given.latitude is not None:
            return given
        case = self.case
        return Place(
            address=case.address,
            postcode=case.postcode,
            latitude=case.latitude,
            longitude=case.longitude,
            lsoa_code=case.lsoa_code,
        )


NEW_PARTY = "new"


class PartyForm(forms.Form):
    """A party on the case: its role and who it is. `existing` picks one of the likely matches instead of
    creating a new party; the view offers only the matches the person may see, and checks it again."""

    role = forms.ChoiceField(
        label="Role on the case",
        choices=PartyRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the party's role on the case"},
    )
    kind = forms.ChoiceField(
        label="Kind",
        choices=PartyKind.choices,
        initial=PartyKind.PERSON,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether it is a person, household, business or premises"},
    )
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={
            "required": "Enter the name",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    date_of_birth = _date("Date of birth", required="", hint="If known", optional=True)
    address = forms.CharField(
        label="Address", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": "3"})
    )
    postcode = LocationForm.base_fields["postcode"]
    existing = forms.CharField(required=False, widget=forms.HiddenInput)

    clean_postcode = LocationForm.clean_postcode

    def __init__(self, *args: Any, matches: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if matches:
            self.fields["existing"] = forms.ChoiceField(
                label="Is it one of these?",
                widget=forms.RadioSelect,
                choices=[*matches, (NEW_PARTY, "None of these: add a new one")],
                error_messages={
                    "required": "Select one of the parties already known, or add a new one",
                    "invalid_choice": "Select one of the parties listed, or add a new one",
                },
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _not_future(self, "date_of_birth", "The date of birth")
        return data


class CommentForm(forms.Form):
    """Closing or reopening a case: why."""

    comment = _comment("Why", required="Say why")

    def __init__(self, *args: Any, required: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comment"].error_messages["required"] = required


class OtherCaseForm(forms.Form):
    """Another case of the partnership, by its reference, and why (a merge, a link)."""

    reference = forms.CharField(
        label="The other case's reference",
        max_length=20,
        help_text="For example, ASB-2026-00012",
        error_messages={"required": "Enter the other case's reference"},
    )
    reason = forms.CharField(
        label="Why",
        max_length=SUMMARY_MAX,
        error_messages={"required": "Say why", "max_length": f"Keep it to {SUMMARY_MAX} characters or fewer"},
    )
