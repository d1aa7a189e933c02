"""Where a case, incident or party is: what was typed (an address, a postcode, a point or an LSOA code),
resolved through the geography to an LSOA and its ward wherever the data held allows."""

from dataclasses import dataclass
from typing import Any

from saferhub.asb.matching import postcode_normalise
from saferhub.geography.selectors import area_by_code, lsoa_at, postcode_lookup, ward_of_lsoa


@dataclass(frozen=True)
class Place:
    """A location as given. `lsoa_code` is one given directly (the API's `lsoa`)."""

    address: str = ""
    postcode: str = ""
    latitude: float | None = None
    longitude: float | None = None
    lsoa_code: str = ""


def resolved(place: Place) -> dict[str, Any]:
    """The `Located` fields of a place: the postcode normalised, and the LSOA from the code given, else the
    point, else the postcode's entry in the ONS Postcode Directory (when loaded); the ward from the LSOA."""
    postcode = postcode_normalise(place.postcode) or place.postcode.strip().upper()
    latitude, longitude = place.latitude, place.longitude
    lsoa = (
        place.lsoa_code.strip().upper()
        if place.lsoa_code and area_by_code(place.lsoa_code.strip().upper())
        else ""
    )
    if not lsoa and latitude is not None and longitude is not None:
        lsoa = lsoa_at(latitude, longitude) or ""
    if not lsoa and postcode:
        entry = postcode_lookup(postcode)
        if entry is not None:
            lsoa = entry.lsoa_code
            if latitude is None and entry.latitude is not None:
                latitude, longitude = entry.latitude, entry.longitude
    return {
        "address": place.address.strip(),
        "postcode": postcode[:8],
        "latitude": latitude,
        "longitude": longitude,
        "lsoa_code": lsoa,
        "ward_code": ward_of_lsoa(lsoa) if lsoa else "",
    }
