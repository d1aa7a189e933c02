"""Indicator files: saved count definitions and named sets of them, written as TOML (or JSON).

A partnership keeps its definitions in version control and loads them with `load_indicators`. Unknown
keys are errors: a typo ("domestc") must not silently widen what an indicator counts. The format is
documented in docs/crime-data.md ("Indicator files").
"""

import re
from dataclasses import dataclass
from typing import Any

from saferhub.crimedata import schema
from saferhub.crimedata.extracts import ASB_TYPES, DefinitionFileError, TableReader, document_load

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SOURCE = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
_ONS_CODE = re.compile(r"^[A-Z][0-9]{8}$")
_SLUG_MAX_LENGTH = 80  # Indicator.slug and IndicatorSet.slug
_NAME_MAX_LENGTH = 200
_INDICATOR_KEYS = frozenset(
    {
        "slug",
        "name",
        "description",
        "sources",
        "categories",
        "subcategories",
        "flags",
        "asb_types",
        "area",
        "per_1000",
    }
)
_SET_KEYS = frozenset({"slug", "name", "description", "indicators"})
_POLICEUK_TYPES = schema.POLICEUK_CRIME_TYPES | schema.POLICEUK_LEGACY_CRIME_TYPES


class IndicatorFileError(DefinitionFileError):
    """An indicator file that cannot be loaded. The message names the file, the indicator and the key."""


@dataclass(frozen=True)
class IndicatorDefinition:
    slug: str
    name: str
    description: str
    sources: tuple[str, ...]
    categories: tuple[str, ...]
    subcategories: tuple[str, ...]
    flags: dict[str, bool]
    asb_types: tuple[str, ...]
    area: str
    per_1000: bool


@dataclass(frozen=True)
class IndicatorSetDefinition:
    slug: str
    name: str
    description: str
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class IndicatorFile:
    indicators: tuple[IndicatorDefinition, ...]
    sets: tuple[IndicatorSetDefinition, ...]


def indicator_file_parse(text: str, *, name: str) -> IndicatorFile:
    document = document_load(text, name=name, what="indicators", error_type=IndicatorFileError)
    reader = TableReader(document, prefix=f"indicators {name}: ", error_type=IndicatorFileError)
    reader.no_unknown_keys(frozenset({"indicators", "sets"}))
    indicators = tuple(
        _indicator(table, prefix=f"indicators {name}: indicator {_label(table, position)}: ")
        for position, table in enumerate(reader.tables("indicators"), start=1)
    )
    sets = tuple(
        _set(table, prefix=f"indicators {name}: set {_label(table, position)}: ")
        for position, table in enumerate(reader.tables("sets"), start=1)
    )
    if not indicators and not sets:
        raise reader.error("has no [[indicators]] and no [[sets]]")
    for kind, slugs in (("indicator", [i.slug for i in indicators]), ("set", [s.slug for s in sets])):
        repeated = sorted({slug for slug in slugs if slugs.count(slug) > 1})
        if repeated:
            raise reader.error(f"the {kind} {repeated[0]!r} is defined more than once")
    return IndicatorFile(indicators=indicators, sets=sets)


def _label(table: dict[str, Any], position: int) -> str:
    """How an error names an indicator or set: its slug, or its place in the file when it has none."""
    slug = table.get("slug")
    return repr(slug) if isinstance(slug, str) and slug else f"number {position}"


def _indicator(table: dict[str, Any], *, prefix: str) -> IndicatorDefinition:
    reader = TableReader(table, prefix=prefix, error_type=IndicatorFileError)
    reader.no_unknown_keys(_INDICATOR_KEYS)
    sources = reader.text_list("sources")
    if not sources:
        raise reader.error("'sources' is empty: name at least one, e.g. \"police.uk-street\"")
    for source in sources:
        if not _SOURCE.match(source):
            raise reader.error(f"'sources' has {source!r}, which is not a source's name")
    categories = reader.text_list("categories")
    if all(source == schema.SOURCE_POLICEUK_STREET for source in sources):
        # police.uk's categories are a closed list: a misspelt one would count nothing, silently.
        for category in categories:
            if category not in _POLICEUK_TYPES:
                raise reader.error(f"'categories' has {category!r}, which is not a police.uk crime type")
    flags_reader = TableReader(
        reader.table("flags"), prefix=f"{prefix}'flags' ", error_type=IndicatorFileError
    )
    flags_reader.no_unknown_keys(frozenset(schema.FLAGS))
    asb_types = reader.text_list("asb_types")
    for asb_type in asb_types:
        if asb_type not in ASB_TYPES:
            raise reader.error(f"'asb_types' has {asb_type!r}: an ASB type is one of {', '.join(ASB_TYPES)}")
    area = reader.text("area", required=False)
    if area and not _ONS_CODE.match(area):
        raise reader.error(f"'area' is {area!r}, which is not an ONS code (like E07000134)")
    return IndicatorDefinition(
        slug=_slug(reader),
        name=_name(reader),
        description=reader.text("description", required=False),
        sources=sources,
        categories=categories,
        subcategories=reader.text_list("subcategories"),
        flags={flag: flags_reader.flag(flag) for flag in schema.FLAGS if flag in flags_reader.values},
        asb_types=asb_types,
        area=area,
        per_1000=reader.flag("per_1000"),
    )


def _set(table: dict[str, Any], *, prefix: str) -> IndicatorSetDefinition:
    reader = TableReader(table, prefix=prefix, error_type=IndicatorFileError)
    reader.no_unknown_keys(_SET_KEYS)
    members = reader.text_list("indicators")
    if not members:
        raise reader.error("'indicators' is empty: list the slugs of its indicators, in order")
    repeated = sorted({slug for slug in members if members.count(slug) > 1})
    if repeated:
        raise reader.error(f"'indicators' lists {repeated[0]!r} more than once")
    return IndicatorSetDefinition(
        slug=_slug(reader),
        name=_name(reader),
        description=reader.text("description", required=False),
        indicators=members,
    )


def _slug(reader: TableReader) -> str:
    slug = reader.text("slug", pattern=_SLUG)
    if len(slug) > _SLUG_MAX_LENGTH:
        raise reader.error(f"'slug' is longer than {_SLUG_MAX_LENGTH} characters")
    return slug


def _name(reader: TableReader) -> str:
    name = reader.text("name")
    if len(name) > _NAME_MAX_LENGTH:
        raise reader.error(f"'name' is longer than {_NAME_MAX_LENGTH} characters")
    return name
