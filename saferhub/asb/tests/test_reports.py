"""The managers' ASB figures: every number checked against a count made here, over the rows the test builds,
in plain Python; nothing personal on the page; "No data held" where nothing is recorded."""

import datetime as dt
from collections import Counter
from html.parser import HTMLParser

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from saferhub.asb.models import (
    CaseStatus,
    IncidentCategory,
    Intervention,
    InterventionOutcome,
    PartyRole,
    Stage,
)
from saferhub.asb.tests.factories import CaseFactory, CasePartyFactory, IncidentFactory, PartyFactory
from saferhub.geography.models import Area, AreaLevel
from saferhub.partnerships.models import Organisation

TODAY = dt.date(2026, 6, 15)
NOW = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)
CASTLE, WESTCOTES = "E05010458", "E05010476"
LSOAS = {"E01013689": ("Leicester 038A", CASTLE), "E01013648": ("Leicester 039B", CASTLE)}
LSOAS["E01013784"] = ("Leicester 023G", WESTCOTES)
WARD_NAMES = {CASTLE: "Castle", WESTCOTES: "Westcotes"}

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def areas(db):
    # update_or_create: another module may have imported the real geography into this worker's database.
    for code, name in WARD_NAMES.items():
        Area.objects.update_or_create(code=code, defaults={"name": name, "level": AreaLevel.WARD})
    for code, (name, _) in LSOAS.items():
        Area.objects.update_or_create(code=code, defaults={"name": name, "level": AreaLevel.LSOA21})


class Tables(HTMLParser):
    """The page's tables by their data-testid: each row as its cells' text, headers included."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.texts: dict[str, str] = {}
        self._table: str | None = None
        self._text: str | None = None
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        named = dict(attrs).get("data-testid")
        if tag == "table" and named:
            self._table = named
            self.tables[named] = []
        elif tag == "p" and named:
            self._text = named
            self.texts[named] = ""
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("th", "td") and self._table:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag == "p":
            self._text = None
        elif tag in ("th", "td") and self._table and self._cell is not None:
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._text:
            self.texts[self._text] += data

    def counts(self, name: str) -> dict[str, str]:
        """A two-column table as {label: count}, its header row left out."""
        return {row[0]: row[1] for row in self.tables[name][1:]}


def page(client, world, **query):
    response = client.get(reverse("asb:reports", args=[world.a.slug]), query)
    return response, Tables(response.content.decode())


def council():
    return Organisation.objects.get(name="Alpha City Council")


def test_only_the_managers_see_the_figures(world, sign_in):
    assert sign_in("case_officer").get(reverse("asb:reports", args=[world.a.slug])).status_code == 403
    assert sign_in("partnership_manager").get(reverse("asb:reports", args=[world.a.slug])).status_code == 200


def test_a_partnership_with_nothing_recorded_says_no_data_held_never_zero(world, sign_in):
    response, tables = page(sign_in("partnership_manager"), world)
    text = response.content.decode()
    assert text.count("No data held") == 5
    assert "No data held: no case is open." in text
    assert not tables.tables
    assert "repeat-victims" not in tables.texts


def test_open_cases_by_risk_and_by_age_band(world, sign_in):
    # (days since opened, risk level): the age bands' edges on both sides.
    opened = [(0, "high"), (30, ""), (31, "medium"), (90, "standard"), (91, "high"), (180, "")]
    opened += [(181, "standard"), (400, "medium"), (45, "high")]
    for days, risk in opened:
        CaseFactory(
            partnership=world.a,
            lead_organisation=council(),
            opened_on=TODAY - dt.timedelta(days=days),
            risk_level=risk,
        )
    CaseFactory(partnership=world.a, lead_organisation=council(), status=CaseStatus.CLOSED, risk_level="high")
    CaseFactory(partnership=world.b, lead_organisation=council(), risk_level="high")

    _, tables = page(sign_in("partnership_manager"), world)

    risks = Counter(risk for _, risk in opened)
    assert tables.counts("open-by-risk") == {
        "High": str(risks["high"]),
        "Medium": str(risks["medium"]),
        "Standard": str(risks["standard"]),
        "Not yet assessed": str(risks[""]),
    }
    bands = Counter(
        "0 to 30 days"
        if days <= 30
        else "31 to 90 days"
        if days <= 90
        else "91 to 180 days"
        if days <= 180
        else "More than 180 days"
        for days, _ in opened
    )
    assert tables.counts("open-by-age") == {band: str(n) for band, n in bands.items()}


@pytest.fixture
def incidents(world, areas):
    """Incidents across two wards and three LSOAs, one without a place, one before the year and one of B."""
    case = CaseFactory(partnership=world.a, lead_organisation=council())
    rows = [
        # (days ago, category, LSOA or "", hate-motivated)
        (380, IncidentCategory.NUISANCE, "E01013689", False),
        (300, IncidentCategory.PERSONAL, "E01013689", True),
        (200, IncidentCategory.NUISANCE, "E01013689", False),
        (100, IncidentCategory.NUISANCE, "E01013689", False),
        (95, IncidentCategory.ENVIRONMENTAL, "E01013648", False),
        (40, IncidentCategory.PERSONAL, "E01013648", False),
        (10, IncidentCategory.NUISANCE, "E01013784", True),
        (3, IncidentCategory.NUISANCE, "", False),
    ]
    for days, category, lsoa, hate in rows:
        IncidentFactory(
            case=case,
            occurred_at=NOW - dt.timedelta(days=days),
            category=category,
            lsoa_code=lsoa,
            ward_code=LSOAS[lsoa][1] if lsoa else "",
            hate_motivated=hate,
            hate_strand="race" if hate else "",
        )
    IncidentFactory(case=CaseFactory(partnership=world.b, lead_organisation=council()))
    return rows


def in_year(rows):
    first = dt.date(2025, 7, 1)  # the last 12 months: July 2025 to June 2026
    return [row for row in rows if (NOW - dt.timedelta(days=row[0])).date() >= first]


def test_incidents_by_category_month_and_ward(world, sign_in, incidents):
    response, tables = page(sign_in("partnership_manager"), world)

    year = in_year(incidents)
    categories = Counter(row[1].label for row in year)
    assert tables.counts("incidents-by-category") == {
        c.label: str(categories[c.label]) for c in IncidentCategory
    }
    wards = Counter(WARD_NAMES[LSOAS[row[2]][1]] if row[2] else "Ward not known" for row in year)
    assert tables.counts("incidents-by-ward") == {ward: str(n) for ward, n in wards.items()}
    months = Counter(f"{NOW - dt.timedelta(days=row[0]):%B %Y}" for row in year)
    by_month = {row[0]: row[-1] for row in tables.tables["incidents-by-month"][1:]}
    assert len(by_month) == 12
    assert by_month == {
        f"{dt.date(2025 + (6 + m) // 12, (6 + m) % 12 + 1, 1):%B %Y}": str(
            months[f"{dt.date(2025 + (6 + m) // 12, (6 + m) % 12 + 1, 1):%B %Y}"]
        )
        for m in range(12)
    }
    text = response.content.decode()
    assert f"{len(year)} incidents happened in the last 12 months, {sum(r[3] for r in year)} of them" in text
    assert 'data-testid="chart"' in text


def test_months_before_the_first_incident_are_not_held_rather_than_zero(world, sign_in, incidents):
    _, tables = page(sign_in("partnership_manager"), world, months="24")

    rows = tables.tables["incidents-by-month"][1:]
    assert len(rows) == 24
    first = (NOW - dt.timedelta(days=max(row[0] for row in incidents))).date().replace(day=1)
    for row in rows:
        month = dt.datetime.strptime(row[0], "%B %Y").replace(tzinfo=dt.UTC).date()
        assert (row[1] == "No data held") == (month < first), row


def test_repeat_places_name_the_lsoa_and_ward_and_no_address(world, sign_in, incidents):
    response, tables = page(sign_in("partnership_manager"), world)

    year = in_year(incidents)
    by_lsoa = Counter(row[2] for row in year if row[2])
    expected = [
        [LSOAS[code][0], WARD_NAMES[LSOAS[code][1]], str(n)] for code, n in by_lsoa.most_common() if n >= 3
    ]
    assert tables.tables["repeat-places"][1:] == expected
    assert "High Street" not in response.content.decode() and "LE1 4FP" not in response.content.decode()


def test_repeat_victims_count_named_and_case_victims_once_each(world, sign_in, areas):
    case = CaseFactory(partnership=world.a, lead_organisation=council())
    other_case = CaseFactory(partnership=world.a, lead_organisation=council())
    named_thrice, on_case, too_early = (PartyFactory(partnership=world.a) for _ in range(3))
    CasePartyFactory(case=case, party=on_case, role=PartyRole.VICTIM)
    CasePartyFactory(case=case, role=PartyRole.PERPETRATOR)  # on the case's incidents, but no victim
    # (victim named on the incident, its case, days ago, LSOA)
    rows = [
        (named_thrice, other_case, 20, "E01013784"),
        (named_thrice, other_case, 50, "E01013784"),
        (named_thrice, other_case, 300, "E01013689"),
        (on_case, case, 5, "E01013689"),  # named and on the case: one incident, counted once
        (None, case, 60, "E01013648"),
        (None, case, 70, "E01013648"),
        (too_early, other_case, 10, "E01013784"),
        (too_early, other_case, 20, "E01013784"),
        (too_early, other_case, 400, "E01013784"),
    ]
    for victim, on, days, lsoa in rows:
        IncidentFactory(
            case=on,
            victim=victim,
            occurred_at=NOW - dt.timedelta(days=days),
            lsoa_code=lsoa,
            ward_code=LSOAS[lsoa][1],
        )

    _, tables = page(sign_in("partnership_manager"), world)

    since = NOW - dt.timedelta(days=365)
    seen: dict[int, list[tuple[int, str]]] = {}
    for victim, on, days, lsoa in rows:
        if NOW - dt.timedelta(days=days) < since:
            continue
        victims = {victim.pk} if victim else set()
        victims |= {on_case.pk} if on == case else set()
        for victim_id in victims:
            seen.setdefault(victim_id, []).append((-days, lsoa))
    repeat = {victim_id: max(found)[1] for victim_id, found in seen.items() if len(found) >= 3}
    assert set(repeat) == {named_thrice.pk, on_case.pk}
    assert tables.texts["repeat-victims"].split()[0] == str(len(repeat))
    wards = Counter(WARD_NAMES[LSOAS[lsoa][1]] for lsoa in repeat.values())
    assert tables.counts("repeat-victims-by-ward") == {ward: str(n) for ward, n in wards.items()}


def test_steps_by_stage_and_outcome_in_the_period(world, sign_in):
    case = CaseFactory(partnership=world.a, lead_organisation=council())
    steps = [
        (Stage.CPW, InterventionOutcome.COMPLIED, 40),
        (Stage.CPW, InterventionOutcome.BREACHED, 100),
        (Stage.CPW, InterventionOutcome.PENDING, 5),
        (Stage.ABC, InterventionOutcome.PENDING, 20),
        (Stage.INJUNCTION, InterventionOutcome.GRANTED, 60),
        (Stage.WARNING_LETTER, InterventionOutcome.COMPLIED, 500),  # before the period
    ]
    for kind, outcome, days in steps:
        perpetrator = CasePartyFactory(case=case, role=PartyRole.PERPETRATOR)
        Intervention.objects.create(
            case_party=perpetrator, kind=kind, outcome=outcome, issued_on=TODAY - dt.timedelta(days=days)
        )

    _, tables = page(sign_in("partnership_manager"), world)

    counted = Counter((kind, outcome) for kind, outcome, days in steps if days <= 349)
    header, *rows = tables.tables["steps"]
    assert header == ["Step", *InterventionOutcome.labels, "All"]
    expected = []
    for stage in Stage:
        cells = [counted[(stage, outcome)] for outcome in InterventionOutcome]
        if any(cells):
            expected.append([stage.label, *map(str, cells), str(sum(cells))])
    assert rows == expected


def test_a_period_not_offered_is_a_400_with_the_error_summary(world, sign_in):
    response, _ = page(sign_in("partnership_manager"), world, months="7")
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text and "Select a period from the list" in text


def test_nothing_personal_is_shown(world, sign_in, incidents):
    victim = CasePartyFactory(
        case=CaseFactory(partnership=world.a, lead_organisation=council()),
        party__name="Zebedee Quartermaine",
        role=PartyRole.VICTIM,
    )
    IncidentFactory(case=victim.case, victim=victim.party, occurred_at=timezone.now(), reference="POL-77231")
    text = page(sign_in("partnership_manager"), world)[0].content.decode()
    assert "Zebedee" not in text and "POL-77231" not in text and victim.case.reference not in text
