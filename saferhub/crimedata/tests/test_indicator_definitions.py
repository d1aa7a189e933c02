"""Indicator files: the format and its errors, the shipped sets, and loading them (idempotent, audited)."""

import csv
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from saferhub.audit.models import AuditEvent
from saferhub.crimedata import schema
from saferhub.crimedata.counting import indicator_filter
from saferhub.crimedata.indicator_definitions import IndicatorFileError, indicator_file_parse
from saferhub.crimedata.models import Indicator, IndicatorSet
from saferhub.crimedata.selectors import indicator_set_for
from saferhub.crimedata.services import indicators_load
from saferhub.partnerships.tests.factories import PartnershipFactory

INDICATORS = Path(__file__).resolve().parents[1] / "indicators"
DATA = Path(__file__).resolve().parents[3] / "data"
LOCAL = DATA / "local" if (DATA / "local").exists() else Path("/work/shared/data/local")

ONE = {
    "indicators": [
        {
            "slug": "domestic-vap",
            "name": "Domestic VAP",
            "sources": ["north-west-leicestershire.crime"],
            "categories": ["Violence against the person"],
            "flags": {"domestic": True},
        }
    ],
    "sets": [{"slug": "headline", "name": "Headline", "indicators": ["domestic-vap"]}],
}


def _file(**changes) -> str:
    """ONE as JSON, its indicator (or, for keys starting set_, its set) changed: None removes a key."""
    document = json.loads(json.dumps(ONE))
    for key, value in changes.items():
        table = document["sets"][0] if key.startswith("set_") else document["indicators"][0]
        key = key.removeprefix("set_")
        if value is None:
            table.pop(key)
        else:
            table[key] = value
    return json.dumps(document)


def test_the_nwl_headline_file_is_the_seeds_table_in_its_order():
    parsed = indicator_file_parse((INDICATORS / "nwl-headline.toml").read_text(), name="nwl-headline.toml")
    with open(LOCAL / "nwl-headline-figures-2019.csv", encoding="utf-8") as seed:
        rows = [row["Offence Category"] for row in csv.DictReader(seed)]
    assert [indicator.name for indicator in parsed.indicators] == rows
    (headline,) = parsed.sets
    assert headline.slug == "nwl-headline"
    assert headline.indicators == tuple(indicator.slug for indicator in parsed.indicators)
    assert all(indicator.slug.startswith("nwl-") for indicator in parsed.indicators)
    domestic = next(i for i in parsed.indicators if i.slug == "nwl-domestic-vap")
    assert (domestic.sources, domestic.categories, domestic.flags) == (
        ("north-west-leicestershire.crime",),
        ("Violence against the person",),
        {"domestic": True},
    )


def test_the_police_uk_file_has_the_14_crime_types_and_total_crime_without_asb():
    parsed = indicator_file_parse((INDICATORS / "policeuk.toml").read_text(), name="policeuk.toml")
    by_slug = {indicator.slug: indicator for indicator in parsed.indicators}
    (crime_types,) = parsed.sets
    assert crime_types.slug == "policeuk-crime-types"
    assert {by_slug[slug].categories for slug in crime_types.indicators} == {
        (crime_type,) for crime_type in schema.POLICEUK_CRIME_TYPES
    }
    total = by_slug["policeuk-total-crime"]
    assert set(total.categories) == (schema.POLICEUK_CRIME_TYPES | schema.POLICEUK_LEGACY_CRIME_TYPES) - {
        schema.ANTI_SOCIAL_BEHAVIOUR
    }
    assert all(indicator.sources == (schema.SOURCE_POLICEUK_STREET,) for indicator in parsed.indicators)


def test_a_file_may_be_json():
    parsed = indicator_file_parse(_file(), name="mine.json")
    assert parsed.indicators[0].flags == {"domestic": True}
    assert parsed.sets[0].indicators == ("domestic-vap",)


PREFIX = "indicators mine.json: indicator 'domestic-vap': "


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"flag": {"domestic": True}},
            PREFIX
            + "has an unknown key 'flag' (the keys are: area, asb_types, categories, description, flags, "
            "name, per_1000, slug, sources, subcategories)",
        ),
        (
            {"flags": {"domestc": True}},
            PREFIX + "'flags' has an unknown key 'domestc' (the keys are: alcohol, domestic, hate, rural)",
        ),
        ({"flags": {"domestic": "Y"}}, PREFIX + "'flags' 'domestic' must be true or false"),
        ({"sources": []}, PREFIX + "'sources' is empty: name at least one, e.g. \"police.uk-street\""),
        ({"sources": "north-west-leicestershire.crime"}, PREFIX + "'sources' must be a list of text values"),
        ({"sources": ["NWL crime"]}, PREFIX + "'sources' has 'NWL crime', which is not a source's name"),
        (
            {"sources": ["police.uk-street"], "categories": ["Burglery"]},
            PREFIX + "'categories' has 'Burglery', which is not a police.uk crime type",
        ),
        (
            {"asb_types": ["Nuisance"]},
            PREFIX + "'asb_types' has 'Nuisance': an ASB type is one of personal, nuisance, environmental",
        ),
        (
            {"area": "North West Leicestershire"},
            PREFIX + "'area' is 'North West Leicestershire', which is not an ONS code (like E07000134)",
        ),
        ({"per_1000": "yes"}, PREFIX + "'per_1000' must be true or false"),
        ({"name": None}, PREFIX + "has no 'name'"),
        ({"name": "x" * 201}, PREFIX + "'name' is longer than 200 characters"),
        (
            {"slug": "Domestic VAP"},
            "indicators mine.json: indicator 'Domestic VAP': 'slug' is 'Domestic VAP': "
            "use lower-case letters, digits and hyphens",
        ),
        ({"slug": None}, "indicators mine.json: indicator number 1: has no 'slug'"),
        (
            {"set_indicators": []},
            "indicators mine.json: set 'headline': 'indicators' is empty: "
            "list the slugs of its indicators, in order",
        ),
        (
            {"set_indicators": ["domestic-vap", "domestic-vap"]},
            "indicators mine.json: set 'headline': 'indicators' lists 'domestic-vap' more than once",
        ),
        (
            {"set_order": 1},
            "indicators mine.json: set 'headline': has an unknown key 'order' (the keys are: description, "
            "indicators, name, slug)",
        ),
    ],
)
def test_a_definition_that_cannot_be_used_is_refused_naming_the_indicator_and_key(changes, message):
    with pytest.raises(IndicatorFileError) as error:
        indicator_file_parse(_file(**changes), name="mine.json")
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "indicators mine.toml: has no [[indicators]] and no [[sets]]"),
        (
            "[indicator]\nslug = 'x'\n",
            "indicators mine.toml: has an unknown key 'indicator' (the keys are: indicators, sets)",
        ),
        (
            "[indicators]\nslug = 'x'\n",
            "indicators mine.toml: 'indicators' must be a list of tables ([[indicators]])",
        ),
        ("indicators = [", "indicators mine.toml: not valid TOML (Invalid value (at end of document))"),
    ],
)
def test_a_file_that_is_not_an_indicator_file_is_refused(text, message):
    with pytest.raises(IndicatorFileError) as error:
        indicator_file_parse(text, name="mine.toml")
    assert str(error.value) == message


def test_a_slug_defined_twice_is_refused():
    document = json.loads(_file())
    document["indicators"].append(document["indicators"][0])
    with pytest.raises(IndicatorFileError) as error:
        indicator_file_parse(json.dumps(document), name="mine.json")
    assert str(error.value) == "indicators mine.json: the indicator 'domestic-vap' is defined more than once"


# Loading


def test_loading_creates_then_changes_nothing_and_is_audited(db):
    first = indicators_load(path_or_text=INDICATORS / "nwl-headline.toml")
    assert list(first.indicators.values()) == ["created"] * 18
    assert first.sets == {"nwl-headline": "created"}
    events = AuditEvent.objects.count()
    assert events == 19
    again = indicators_load(path_or_text=INDICATORS / "nwl-headline.toml")
    assert set(again.indicators.values()) == {"unchanged"}
    assert again.sets == {"nwl-headline": "unchanged"}
    assert AuditEvent.objects.count() == events
    headline = IndicatorSet.objects.get(slug="nwl-headline", partnership=None)
    assert [m.indicator.name for m in headline.members.select_related("indicator")][:3] == [
        "Total crime",
        "Rural Crime",
        "Violence against the person",
    ]


def test_a_changed_definition_and_a_reordered_set_are_updated_and_audited(db):
    partnership = PartnershipFactory()
    indicators_load(path_or_text=_file(), partnership=partnership)
    document = json.loads(_file(flags={"domestic": True, "alcohol": True}))
    document["indicators"].append(
        {"slug": "robbery", "name": "Robbery", "sources": ["north-west-leicestershire.crime"]}
    )
    document["sets"][0]["indicators"] = ["robbery", "domestic-vap"]
    summary = indicators_load(path_or_text=json.dumps(document), partnership=partnership)
    assert summary.indicators == {"domestic-vap": "updated", "robbery": "created"}
    assert summary.sets == {"headline": "updated"}
    indicator = Indicator.objects.get(slug="domestic-vap")
    assert indicator.flags == {"domestic": True, "alcohol": True}
    assert AuditEvent.objects.filter(target_id=str(indicator.public_id), verb="updated").get().context == {
        "fields": ["flags"]
    }
    headline = IndicatorSet.objects.get(slug="headline")
    assert [m.indicator.slug for m in headline.members.all()] == ["robbery", "domestic-vap"]
    assert AuditEvent.objects.filter(target_id=str(headline.public_id), verb="updated").get().context == {
        "fields": ["indicators"]
    }


def test_an_error_part_way_changes_nothing(db):
    document = json.loads(_file())
    document["sets"][0]["indicators"] = ["domestic-vap", "no-such-indicator"]
    with pytest.raises(IndicatorFileError) as error:
        indicators_load(path_or_text=json.dumps(document))
    assert str(error.value) == (
        "indicators text: set 'headline': 'indicators' has 'no-such-indicator', which is not in the file "
        "or loaded before"
    )
    assert Indicator.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_partnerships_set_may_use_shared_indicators_and_is_found_before_the_shared_one(db):
    partnership, other = PartnershipFactory(), PartnershipFactory()
    indicators_load(path_or_text=INDICATORS / "policeuk.toml")
    own = {"sets": [{"slug": "policeuk-crime-types", "name": "Ours", "indicators": ["policeuk-burglary"]}]}
    indicators_load(path_or_text=json.dumps(own), partnership=partnership)
    assert indicator_set_for(slug="policeuk-crime-types", partnership=partnership).name == "Ours"
    assert indicator_set_for(slug="policeuk-crime-types", partnership=other).name == "police.uk crime types"
    assert indicator_set_for(slug="policeuk-crime-types", partnership=None).members.count() == 14
    assert indicator_set_for(slug="nothing", partnership=partnership) is None
    burglary = Indicator.objects.get(slug="policeuk-burglary")
    assert burglary.partnership is None
    assert indicator_filter(burglary).categories == ("Burglary",)


def test_the_command_loads_and_says_what_it_did(db, capsys):
    call_command("load_indicators", str(INDICATORS / "policeuk.toml"))
    assert capsys.readouterr().out.splitlines() == [
        "15 indicators: 15 created, 0 updated, 0 unchanged.",
        "1 sets: 1 created, 0 updated, 0 unchanged.",
    ]
    call_command("load_indicators", str(INDICATORS / "policeuk.toml"), "--json")
    summary = json.loads(capsys.readouterr().out)
    assert set(summary["indicators"].values()) == {"unchanged"}


def test_the_command_exits_2_with_the_reason_and_loads_nothing(db, tmp_path, capsys):
    path = tmp_path / "mine.json"
    path.write_text(_file(flags={"domestc": True}))
    with pytest.raises(SystemExit) as exit_info:
        call_command("load_indicators", str(path))
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.strip() == (
        "Nothing loaded: " + PREFIX + "'flags' has an unknown key 'domestc' "
        "(the keys are: alcohol, domestic, hate, rural)"
    )
    assert Indicator.objects.count() == 0
