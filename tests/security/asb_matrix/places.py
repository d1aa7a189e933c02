"""The authorisation matrix rows of the ASB app's places pages, merged by matrix_asb.

Each partnership's place is reviewed by its JAG (added here), so an action can go on the JAG's log."""

from typing import Any

from saferhub.partnerships.models import GroupKind
from saferhub.partnerships.tests.factories import GroupFactory
from tests.security.matrix_words import CHANGES_PLACES, READS, Expect


def records(world: Any, owner: str) -> None:
    place = world.records[owner]["place"]
    place.group = GroupFactory(partnership=place.partnership, kind=GroupKind.JAG, name=f"City JAG {owner}")
    place.save(update_fields=["group"])


def _place_form(world: Any) -> dict[str, str]:
    return {
        "name": "Bus station",
        "kind": "hotspot",
        "latitude": "52.6339",
        "longitude": "-1.1260",
        "radius_metres": "300",
        "status": "open",
    }


def _action_form(world: Any) -> dict[str, str]:
    return {
        "description": "Patrols on Friday and Saturday nights",
        "owner": str(world.people["partnership_manager"].pk),
        "due_on": "2030-01-31",
    }


MATRIX: dict[str, Expect] = {
    "asb:places": Expect(READS),
    "asb:place-new": Expect(CHANGES_PLACES, data=_place_form),
    "asb:place": Expect(READS),
    "asb:place-edit": Expect(
        CHANGES_PLACES, data=lambda w: {**_place_form(w), "name": "Changed by the test"}
    ),
    "asb:place-action-new": Expect(CHANGES_PLACES, data=_action_form),
}
