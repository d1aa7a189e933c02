"""The forms of JAG problem places: the place and its plan, and an action on the JAG's action log. They
validate only: the services write."""

import json
import math
from typing import Any

import shapely
from django import forms
from shapely.geometry import shape

from saferhub.accounts.models import User
from saferhub.asb.models import PlaceKind, PlaceStatus, ProblemPlace
from saferhub.asb.place_counts import crime_types
from saferhub.crimedata.schema import LATITUDE_RANGE, LONGITUDE_RANGE
from saferhub.design_system.widgets import DateField, DateInput
from saferhub.partnerships.models import Group, GroupKind, Meeting, Organisation, Partnership
from saferhub.partnerships.selectors import groups_of, meetings_of, organisation_choices_in, people_choices_in

MIN_RADIUS, MAX_RADIUS = 25, 2000


def _in_uk(longitude: float, latitude: float) -> bool:
    return (
        LONGITUDE_RANGE[0] <= longitude <= LONGITUDE_RANGE[1]
        and LATITUDE_RANGE[0] <= latitude <= LATITUDE_RANGE[1]
    )


def polygon_parse(text: str) -> dict[str, Any]:
    """A GeoJSON Polygon (alone, or as a Feature's geometry) checked ring by ring; ValidationError saying
    what is wrong with it otherwise."""
    try:
        found = json.loads(text)
    except json.JSONDecodeError as error:
        raise forms.ValidationError(
            f"The area is not GeoJSON: the text is not valid JSON (line {error.lineno}, column {error.colno})"
        ) from None
    if isinstance(found, dict) and found.get("type") == "Feature":
        found = found.get("geometry")
    if not isinstance(found, dict) or found.get("type") != "Polygon":
        kind = found.get("type") if isinstance(found, dict) else None
        raise forms.ValidationError(
            f"The area must be a GeoJSON Polygon, not {'a ' + str(kind) if isinstance(kind, str) else 'that'}"
        )
    rings = found.get("coordinates")
    if not isinstance(rings, list) or not rings:
        raise forms.ValidationError("The area's polygon has no coordinates")
    for number, ring in enumerate(rings, start=1):
        name = "outline" if number == 1 else f"hole {number - 1}"
        if not isinstance(ring, list) or len(ring) < 4:
            raise forms.ValidationError(
                f"The area's {name} needs at least 4 positions, the last the same as the first"
            )
        for position in ring:
            if (
                not isinstance(position, list)
                or len(position) < 2
                or not all(isinstance(value, int | float) and math.isfinite(value) for value in position[:2])
            ):
                raise forms.ValidationError(
                    f"Each position in the area's {name} must be [longitude, latitude] in numbers"
                )
            if not _in_uk(float(position[0]), float(position[1])):
                raise forms.ValidationError(
                    f"The area's {name} has a point outside the UK ({position[0]}, {position[1]}): "
                    "give longitude first, then latitude, in WGS84 degrees"
                )
        if ring[0][:2] != ring[-1][:2]:
            raise forms.ValidationError(f"The area's {name} must end at the position it starts from")
    polygon = shape({"type": "Polygon", "coordinates": rings})
    if not shapely.is_valid(polygon):
        raise forms.ValidationError("The area's outline crosses itself: draw it without crossing lines")
    return {"type": "Polygon", "coordinates": [[[float(x), float(y)] for x, y, *_ in ring] for ring in rings]}


class PlaceForm(forms.Form):
    name = forms.CharField(
        label="Name of the place",
        max_length=200,
        help_text="Such as Clock Tower and Gallowtree Gate",
        error_messages={"required": "Enter the name of the place"},
    )
    kind = forms.ChoiceField(
        label="Kind of place",
        choices=PlaceKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of place"},
    )
    group = forms.ModelChoiceField(
        label="JAG that reviews it",
        queryset=Group.objects.none(),
        required=False,
        empty_label="Not yet given to a JAG",
        error_messages={"invalid_choice": "Select one of the partnership's JAGs"},
    )
    latitude = forms.FloatField(
        label="Latitude",
        required=False,
        help_text="In decimal degrees, such as 52.6354. Leave the point empty when you give an area: "
        "its centre is used",
        error_messages={"invalid": "Enter the latitude as a number, such as 52.6354"},
    )
    longitude = forms.FloatField(
        label="Longitude",
        required=False,
        help_text="In decimal degrees, such as -1.1334 (west of Greenwich is negative)",
        error_messages={"invalid": "Enter the longitude as a number, such as -1.1334"},
    )
    radius_metres = forms.IntegerField(
        label="Radius, in metres",
        min_value=MIN_RADIUS,
        max_value=MAX_RADIUS,
        initial=250,
        help_text=f"How far around the point counts as the place: {MIN_RADIUS} to {MAX_RADIUS:,} metres",
        error_messages={
            "required": "Enter the radius in metres",
            "invalid": "Enter the radius as a whole number of metres",
            "min_value": f"Enter a radius of at least {MIN_RADIUS} metres",
            "max_value": f"Enter a radius of at most {MAX_RADIUS:,} metres",
        },
    )
    area = forms.CharField(
        label="Area (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text="A GeoJSON Polygon in longitude and latitude, pasted from a mapping tool. When given, the "
        "place is this area instead of the circle",
    )
    scanning = forms.CharField(
        label="Scanning: what is the problem?", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    analysis = forms.CharField(
        label="Analysis: why does it happen here?", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    response = forms.CharField(
        label="Response: what will the partners do?", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    assessment = forms.CharField(
        label="Assessment: did it work?", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    response_started_on = DateField(
        label="Response started on (optional)",
        required=False,
        widget=DateInput(),
        help_text="Splits the crime counts around the place into before and after",
        error_messages={"invalid": "Enter a real date for when the response started"},
    )
    status = forms.ChoiceField(
        label="Status",
        choices=PlaceStatus.choices,
        initial=PlaceStatus.OPEN,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the status"},
    )

    def __init__(
        self, *args: Any, partnership: Partnership, place: ProblemPlace | None = None, **kwargs: Any
    ) -> None:
        if place is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(place, name) for name in self.base_fields if name not in {"group", "area"}},
                "group": place.group_id,
                "area": json.dumps(place.area) if place.area else "",
            }
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.place = place
        self.fields["group"].queryset = groups_of(partnership).filter(kind=GroupKind.JAG)  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        clash = ProblemPlace.objects.filter(partnership=self.partnership, name__iexact=name)
        if self.place is not None:
            clash = clash.exclude(pk=self.place.pk)
        if clash.exists():
            raise forms.ValidationError("There is already a place with this name")
        return name

    def clean_area(self) -> dict[str, Any] | None:
        text = str(self.cleaned_data.get("area") or "").strip()
        return polygon_parse(text) if text else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        area = cleaned.get("area")
        if "area" in self.errors or "latitude" in self.errors or "longitude" in self.errors:
            return cleaned
        if latitude is None and longitude is None:
            if area is None:
                self.add_error("latitude", "Enter the latitude and longitude of the place, or paste its area")
                return cleaned
            centre = shape(area).centroid
            cleaned["latitude"], cleaned["longitude"] = float(centre.y), float(centre.x)
        elif latitude is None:
            self.add_error("latitude", "Enter the latitude as well as the longitude")
        elif longitude is None:
            self.add_error("longitude", "Enter the longitude as well as the latitude")
        elif not LATITUDE_RANGE[0] <= latitude <= LATITUDE_RANGE[1]:
            self.add_error(
                "latitude", f"Enter a latitude in the UK, between {LATITUDE_RANGE[0]} and {LATITUDE_RANGE[1]}"
            )
        elif not LONGITUDE_RANGE[0] <= longitude <= LONGITUDE_RANGE[1]:
            self.add_error(
                "longitude",
                f"Enter a longitude in the UK, between {LONGITUDE_RANGE[0]} and {LONGITUDE_RANGE[1]}",
            )
        return cleaned


class PlaceActionForm(forms.Form):
    description = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe the action"},
    )
    owner = forms.ModelChoiceField(
        label="Owner",
        queryset=User.objects.none(),
        empty_label="Select the person",
        error_messages={
            "required": "Select who owns the action",
            "invalid_choice": "Select a person in the partnership",
        },
    )
    owner_organisation = forms.ModelChoiceField(
        label="Owning organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Not assigned",
        error_messages={"invalid_choice": "Select one of the partnership's organisations"},
    )
    due_on = DateField(
        label="Due date",
        widget=DateInput(),
        error_messages={"required": "Enter the date the action is due", "invalid": "Enter a real due date"},
    )
    meeting = forms.ModelChoiceField(
        label="Agreed at (optional)",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="Not at a meeting",
        error_messages={"invalid_choice": "Select one of the JAG’s meetings"},
    )

    def __init__(self, *args: Any, partnership: Partnership, group: Group, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people_choices_in(partnership).order_by("full_name")  # type: ignore[attr-defined]
        self.fields["owner_organisation"].queryset = organisation_choices_in(partnership)  # type: ignore[attr-defined]
        self.fields["meeting"].queryset = meetings_of(group)  # type: ignore[attr-defined]


class CrimeTypeForm(forms.Form):
    """Which crime type the place's counts are of (a GET form on the place's page)."""

    crime_type = forms.ChoiceField(label="Count", choices=crime_types, required=False)

    def chosen(self) -> str:
        return str(self.cleaned_data.get("crime_type") or "") if self.is_valid() else ""
