"""police.uk data is the installation's reference data: who may load a force's months, and whom they concern.

A force's police.uk months may be loaded (replaced, restored) by the analysts, partnership managers and
administrators of the force-area partnership whose area is that force's, and by superusers; nobody else.
Every partnership whose area lies in the force sees each such import in its own history and audit log.
"""

from saferhub.core.actors import Actor
from saferhub.crimedata.permissions import DATA_ROLES
from saferhub.crimedata.policeuk import force_slug
from saferhub.geography import selectors as geography
from saferhub.partnerships import selectors as partnerships
from saferhub.partnerships.models import Partnership

# The kind of a police.uk import run, and the start of every police.uk source's name (reserved to them).
POLICEUK = "police.uk"

# police.uk's slugs that do not follow from the force area's ONS name.
_FORCE_SLUG_EXCEPTIONS = {"london-city-of": "city-of-london", "metropolitan-police": "metropolitan"}


def is_policeuk(source: str) -> bool:
    return source.startswith(POLICEUK)


def force_of_area(name: str) -> str:
    """The police.uk slug of a force area by its ONS name: 'Leicestershire' -> 'leicestershire'."""
    slug = force_slug(name)
    return _FORCE_SLUG_EXCEPTIONS.get(slug, slug)


def forces_of_districts(districts: frozenset[str] | set[str]) -> frozenset[str]:
    """The police.uk force slugs whose areas hold these districts (the LSOAs placed in them say which)."""
    force_areas = set().union(*geography.force_areas_of_districts(districts).values())
    names = geography.area_names(force_areas)
    return frozenset(force_of_area(name) for name in names.values())


def forces_of_partnership(partnership: Partnership) -> frozenset[str]:
    """The forces whose areas hold the partnership's areas."""
    districts: set[str] = set()
    for code in partnership.area_codes:
        districts |= geography.lad_codes_in(code)
    return forces_of_districts(districts)


def policeuk_forces_loadable_by(user: Actor | None) -> frozenset[str] | None:
    """The forces whose police.uk data this person may load; None for every force (a superuser).

    `user` None is the installation operator (a command run on the server without --as, the demo loader).
    """
    if user is None or (user.is_active and user.is_superuser):
        return None
    if not user.is_authenticated:
        return frozenset()
    stewarded = partnerships.force_areas_where(user, DATA_ROLES)
    forces: frozenset[str] = frozenset()
    for partnership in stewarded:
        forces |= forces_of_partnership(partnership)
    return forces


def policeuk_refusal(user: Actor | None, forces: set[str] | frozenset[str]) -> str | None:
    """Why this person may not load police.uk data of these forces, or None when they may."""
    allowed = policeuk_forces_loadable_by(user)
    if allowed is None:
        return None
    refused = sorted(set(forces) - allowed)
    if not refused:
        return None
    return (
        f"police.uk data for {', '.join(refused)} is shared by every partnership in that force's area, so "
        "only the analysts and managers of that force area's partnership (or the installation's operator) "
        "may load it"
    )


def partnerships_touched_by(forces: set[str] | frozenset[str]) -> list[Partnership]:
    """The partnerships whose areas lie, wholly or partly, in these forces' areas."""
    wanted = set(forces)
    return [
        partnership
        for partnership in partnerships.partnerships_in_order()
        if partnership.area_codes and forces_of_partnership(partnership) & wanted
    ]
