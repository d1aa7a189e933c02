"""ASB casework at a force area's scale: duplicate suggestions, a case page and a busy officer's work list.

Run by `python -m benchmarks --only asb` (see docs/benchmarks.md). A child process, with its own fresh
database (a copy of the migrated geography template on SQLite; a new PostgreSQL database beside the one
DATABASE_URL names, when it names one), bulk-inserts a force area's ten years of casework and times, in the
same run, each question as Saferhub asks it and a plain baseline: the same rows read whole into Python and
scanned there, as a system without indexes or keys would.

    python -m benchmarks.asb --scale 20      (in the environment of a migrated database: DATABASE_URL)
"""

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from benchmarks import PYTHON, Geography, django_setup, fresh_run_dir, job_env, run_child, saferhub_command
from benchmarks.report import Row

# A force area over ten years (issue 13, "Scale"); --quick divides each by 20.
INCIDENTS = 1_000_000
PARTIES = 300_000
CASES = 100_000
CASE_PAGE_INCIDENTS = 50
BUSY_OFFICER_CASES = 120
TARGET_MS = 100.0
POSTCODES_PER_CASE = 0.2  # a force area has ~20,000 postcodes with casework for 100,000 cases
LSOAS = 700
WARDS = 60
SEED = 13
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

FIRST_NAMES = [
    "John",
    "Jon",
    "Jonathan",
    "Mary",
    "Marie",
    "Catherine",
    "Kathryn",
    "Katherine",
    "Sarah",
    "Sara",
    "Mohammed",
    "Muhammad",
    "Ahmed",
    "Priya",
    "Amit",
    "David",
    "Dave",
    "Michael",
    "Mick",
    "Paul",
    "James",
    "Jamie",
    "Peter",
    "Susan",
    "Sue",
    "Emma",
    "Emily",
    "Olivia",
    "Jack",
    "Harry",
    "George",
    "Oliver",
    "Charlotte",
    "Amelia",
    "Sophie",
    "Ruby",
    "Grace",
    "Lily",
    "Daniel",
    "Thomas",
    "Joshua",
    "Samuel",
    "Chloe",
    "Jessica",
    "Hannah",
    "Lauren",
    "Aisha",
    "Fatima",
    "Ali",
    "Omar",
    "Yusuf",
    "Sana",
    "Ravi",
    "Sunil",
    "Anita",
    "Deepa",
    "Tomasz",
    "Agnieszka",
    "Piotr",
    "Andrzej",
    "Ewa",
    "Karol",
    "Liam",
    "Noah",
]
COMMON_FAMILY = [
    "Smith",
    "Jones",
    "Patel",
    "Khan",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
]
SYLLABLES_A = [
    "Ash",
    "Bar",
    "Bell",
    "Black",
    "Brad",
    "Bright",
    "Carr",
    "Chad",
    "Clay",
    "Cole",
    "Cros",
    "Dal",
    "Dun",
    "Fair",
    "Far",
    "Fen",
    "Gar",
    "Hal",
    "Hart",
    "Hol",
]
SYLLABLES_B = [
    "ford",
    "ley",
    "ton",
    "well",
    "wood",
    "by",
    "croft",
    "field",
    "ham",
    "more",
    "wick",
    "ridge",
    "stone",
    "worth",
    "brook",
    "man",
    "son",
    "er",
    "dale",
]


@dataclass
class Timing:
    median_ms: float
    p95_ms: float
    calls: int


def _timed(calls: list[Callable[[], Any]], warmup: int = 3) -> Timing:
    for call in calls[:warmup]:
        call()
    times = []
    for call in calls:
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return Timing(round(statistics.median(times), 2), round(p95, 2), len(times))


# --- The data -------------------------------------------------------------------------------------------


@dataclass
class Scene:
    partnership: Any
    council: Any
    officer: Any
    page_case: Any
    postcodes: list[str]
    lsoas: list[str]
    people: list[tuple[str, dt.date | None, str]]  # (name, date of birth, postcode) of some parties held
    counts: dict[str, int]
    seconds: float


def _postcodes(rng: random.Random, count: int) -> list[str]:
    found: set[str] = set()
    while len(found) < count:
        found.add(
            f"LE{rng.randint(1, 19)} {rng.randint(0, 9)}{rng.choice(UNIT_LETTERS)}{rng.choice(UNIT_LETTERS)}"
        )
    return sorted(found)


def _family_names() -> list[str]:
    return COMMON_FAMILY + [a + b for a in SYLLABLES_A for b in SYLLABLES_B]


def build(scale: int, say: Callable[[str], None]) -> Scene:
    """A partnership, its council and police, 200 officers (one busy), and the casework, by bulk inserts."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone

    from saferhub.accounts.models import User
    from saferhub.asb.matching import name_keys
    from saferhub.asb.models import Case, CaseParty, CaseStatus, Incident, Party, PartyRole
    from saferhub.partnerships.models import Membership, Organisation, Partnership, Role
    from saferhub.workflow.models import Deadline

    started = time.perf_counter()
    rng = random.Random(SEED)  # noqa: S311 (made-up people, not secrets)
    cases_n, parties_n, incidents_n = CASES // scale, PARTIES // scale, INCIDENTS // scale
    today = timezone.localdate()
    now = timezone.now()
    postcodes = _postcodes(rng, max(50, int(cases_n * POSTCODES_PER_CASE)))
    lsoas = [f"E0101{n:04d}" for n in range(LSOAS)]
    wards = [f"E0501{n:04d}" for n in range(WARDS)]
    families = _family_names()
    family_weights = [40 if name in COMMON_FAMILY else 1 for name in families]
    with transaction.atomic():
        partnership = Partnership.objects.create(
            slug="force-area", name="Force Area Community Safety Partnership"
        )
        council = Organisation.objects.create(name="City Council")
        police = Organisation.objects.create(name="Force Police", type="police")
        officers = User.objects.bulk_create(
            User(email=f"officer{n}@council.example", full_name=f"Officer {n}") for n in range(200)
        )
        Membership.objects.bulk_create(
            Membership(user=user, partnership=partnership, organisation=council, role=Role.CASE_OFFICER)
            for user in officers
        )
        officer = officers[0]
        say(f"  {cases_n:,} cases ...")
        cases = []
        for n in range(cases_n):
            postcode = rng.choice(postcodes)
            busy = n < BUSY_OFFICER_CASES
            cases.append(
                Case(
                    partnership=partnership,
                    reference=f"ASB-{2016 + n * 10 // cases_n}-{n + 1:06d}",
                    summary="Noise and intimidation",
                    status=CaseStatus.OPEN if busy or rng.random() < 0.15 else CaseStatus.CLOSED,
                    lead_organisation=council if busy or rng.random() < 0.7 else police,
                    lead_officer=officer if busy else rng.choice(officers[1:]),
                    opened_on=today - dt.timedelta(days=rng.randint(0, 3650)),
                    address=f"{rng.randint(1, 200)} {rng.choice(families)} Road",
                    postcode=postcode,
                    lsoa_code=rng.choice(lsoas),
                    ward_code=rng.choice(wards),
                )
            )
        cases = Case.objects.bulk_create(cases, batch_size=5000)
        page_case = cases[0]
        say(f"  {parties_n:,} parties ...")
        parties = []
        for _ in range(parties_n):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choices(families, family_weights)[0]}"
            family_key, given_key = name_keys(name)
            parties.append(
                Party(
                    partnership=partnership,
                    name=name,
                    date_of_birth=dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 25_000))
                    if rng.random() < 0.8
                    else None,
                    postcode=rng.choice(postcodes),
                    family_key=family_key,
                    given_key=given_key,
                )
            )
        parties = Party.objects.bulk_create(parties, batch_size=5000)
        roles = (PartyRole.VICTIM, PartyRole.PERPETRATOR, PartyRole.WITNESS)
        CaseParty.objects.bulk_create(
            (
                CaseParty(case=case, party=rng.choice(parties), role=role)
                for case in cases
                for role in roles[: rng.randint(1, 3)]
            ),
            batch_size=5000,
            ignore_conflicts=True,
        )
        say(f"  {incidents_n:,} incidents ...")

        def incidents() -> Iterator[Incident]:
            for n in range(incidents_n):
                case = (
                    page_case
                    if n < CASE_PAGE_INCIDENTS
                    else (None if rng.random() < 0.1 else rng.choice(cases[1:]))
                )
                yield Incident(
                    partnership=partnership,
                    case=case,
                    occurred_at=now - dt.timedelta(minutes=rng.randint(60, 3650 * 24 * 60)),
                    reported_on=today - dt.timedelta(days=rng.randint(0, 3650)),
                    reporting_organisation=council if n % 3 else police,
                    reference=f"INC-{n:08d}",
                    category=rng.choice(("personal", "nuisance", "environmental")),
                    description="Shouting and loud music late at night.",
                    postcode=case.postcode if case else rng.choice(postcodes),
                    lsoa_code=case.lsoa_code if case else rng.choice(lsoas),
                )

        Incident.objects.bulk_create(incidents(), batch_size=5000)
        # The deadlines a busy officer's cases carry: a risk review each, some overdue.
        case_type = ContentType.objects.get_for_model(Case)
        Deadline.objects.bulk_create(
            Deadline(
                target_type=case_type,
                target_id=case.pk,
                partnership=partnership,
                assignee=case.lead_officer,
                name="Risk assessment review",
                due_on=today + dt.timedelta(days=rng.randint(-10, 40)),
                started_at=now,
            )
            for case in cases
            if case.status == CaseStatus.OPEN
        )
    people = [(p.name, p.date_of_birth, p.postcode) for p in rng.sample(parties, min(200, len(parties)))]
    counts = {
        "cases": Case.objects.count(),
        "parties": Party.objects.count(),
        "case_parties": CaseParty.objects.count(),
        "incidents": Incident.objects.count(),
        "deadlines": Deadline.objects.count(),
    }
    return Scene(
        partnership,
        council,
        officer,
        page_case,
        postcodes,
        lsoas,
        people,
        counts,
        time.perf_counter() - started,
    )


def _typo(name: str, rng: random.Random) -> str:
    """The name as someone else might type it: i/y swapped, a letter dropped, or the case changed."""
    choice = rng.randint(0, 2)
    if choice == 0 and ("i" in name or "y" in name):
        return name.replace("i", "y") if "i" in name else name.replace("y", "i")
    if choice == 1:
        first, family = name.split(" ", 1)
        return f"{first} {family[:-1]}" if len(family) > 4 else name.upper()
    return name.upper()


# --- The measurements -----------------------------------------------------------------------------------


def _case_page(scene: Scene, calls: int, baseline_calls: int) -> dict[str, Any]:
    """The case page with 50 incidents, GET by its lead officer, and the baseline: its incidents by a scan."""
    from django.test import Client
    from django.urls import reverse

    from saferhub.asb.models import Incident

    user, partnership = scene.officer, scene.partnership
    results: dict[str, Any] = {}
    client = Client()
    client.force_login(user)
    url = reverse("asb:case", args=[partnership.slug, scene.page_case.public_id])
    status = client.get(url).status_code
    if status != 200:
        raise RuntimeError(f"The case page answered {status}, not 200: {url}")
    results["case_page"] = _timed([lambda: client.get(url)] * calls)
    case_id = scene.page_case.pk

    def case_scan() -> Any:
        every = Incident.objects.filter(partnership=partnership).values_list("pk", "case_id", "occurred_at")
        return sorted((row for row in every if row[1] == case_id), key=lambda row: row[2], reverse=True)

    results["case_scan"] = _timed([case_scan] * baseline_calls, warmup=1)
    return results


def measure(scene: Scene, calls: int, baseline_calls: int) -> dict[str, Any]:
    import jellyfish
    from django.db import connection
    from django.utils import timezone

    from saferhub.asb.models import Case, CaseStatus, Incident, Party
    from saferhub.asb.selectors.matching import incident_matches, name_likeness, party_matches
    from saferhub.workflow.models import Deadline

    rng = random.Random(SEED + 1)  # noqa: S311 (made-up people, not secrets)
    user, partnership = scene.officer, scene.partnership
    results: dict[str, Any] = {}
    found_people = 0

    def person_query(name: str, born: dt.date | None, postcode: str) -> Callable[[], Any]:
        def ask() -> Any:
            nonlocal found_people
            found = party_matches(user, partnership, name=name, date_of_birth=born, postcode=postcode)
            found_people += bool(found)
            return found

        return ask

    people = [(_typo(name, rng), born, postcode) for name, born, postcode in scene.people[:calls]]
    results["party_matches"] = _timed([person_query(*person) for person in people])

    def party_scan(name: str, born: dt.date | None, postcode: str) -> Callable[[], Any]:
        def scan() -> Any:
            rows = Party.objects.filter(partnership=partnership).values_list(
                "pk", "name", "date_of_birth", "postcode"
            )
            return sorted(
                (
                    (jellyfish.jaro_winkler_similarity(name.lower(), held.lower()), pk)
                    for pk, held, held_born, held_postcode in rows
                    if held_born == born or held_postcode == postcode or name_likeness(name, held) > 0.85
                ),
                reverse=True,
            )[:10]

        return scan

    results["party_scan"] = _timed([party_scan(*person) for person in people[:baseline_calls]], warmup=1)
    results["party_found_share"] = round(found_people / (len(people) + 3), 2)

    def incident_query(postcode: str, lsoa: str, when: dt.datetime) -> Callable[[], Any]:
        return lambda: incident_matches(
            user,
            partnership,
            reporting_organisation_id=scene.council.pk,
            reference=f"NEW-{rng.randint(0, 10**9)}",
            occurred_at=when,
            postcode=postcode,
            lsoa_code=lsoa,
        )

    now = timezone.now()
    places = [
        (
            rng.choice(scene.postcodes),
            rng.choice(scene.lsoas),
            now - dt.timedelta(hours=rng.randint(1, 80_000)),
        )
        for _ in range(calls)
    ]
    results["incident_matches"] = _timed([incident_query(*place) for place in places])

    def incident_scan(postcode: str, lsoa: str, when: dt.datetime) -> Callable[[], Any]:
        def scan() -> Any:
            day = dt.timedelta(hours=24)
            rows = Incident.objects.filter(partnership=partnership).values_list(
                "pk", "postcode", "lsoa_code", "occurred_at", "reference"
            )
            return [
                pk
                for pk, held_postcode, held_lsoa, occurred_at, _ in rows
                if (held_postcode == postcode or held_lsoa == lsoa) and abs(occurred_at - when) <= day
            ]

        return scan

    results["incident_scan"] = _timed([incident_scan(*place) for place in places[:baseline_calls]], warmup=1)

    try:
        results |= _case_page(scene, calls, baseline_calls)
    except Exception as error:  # the other questions' figures still stand; the table says why this one failed
        results["case_page_error"] = f"{type(error).__name__}: {error}"[:300]

    today = timezone.localdate()
    try:
        from saferhub.core.registry import work_items

        def work_list() -> Any:
            return work_items(user, today)

        results["work_list_what"] = "saferhub.core.registry.work_items, the whole My work list"
    except ImportError:

        def work_list() -> Any:
            cases = list(Case.objects.filter(lead_officer=user, status=CaseStatus.OPEN))
            return list(
                Deadline.objects.filter(closed_at=None, assignee=user, target_id__in=[c.pk for c in cases])
            )

        results["work_list_what"] = "the officer's open cases and their open deadlines (no My work yet)"
    try:
        results["work_list_items"] = len(work_list())
        results["work_list"] = _timed([work_list] * calls)
    except Exception as error:  # as the case page's
        results["work_list_error"] = f"{type(error).__name__}: {error}"[:300]

    def work_scan() -> Any:
        mine = {
            pk
            for pk, officer_id, status in Case.objects.filter(partnership=partnership).values_list(
                "pk", "lead_officer_id", "status"
            )
            if officer_id == user.pk and status == CaseStatus.OPEN
        }
        return [
            row for row in Deadline.objects.values_list("target_id", "due_on", "closed_at") if row[0] in mine
        ]

    results["work_scan"] = _timed([work_scan] * baseline_calls, warmup=1)
    results["database"] = connection.vendor
    return {name: vars(value) if isinstance(value, Timing) else value for name, value in results.items()}


def child_main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=int, default=1, help="Divide the force area's volume by this.")
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--baseline-calls", type=int, default=5)
    args = parser.parse_args(argv)
    django_setup()
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    scene = build(args.scale, say)
    say(f"  built in {scene.seconds:.1f} s: {scene.counts}")
    figures = measure(scene, args.calls, args.baseline_calls)
    print(json.dumps({"counts": scene.counts, "build_seconds": round(scene.seconds, 1), **figures}))


# --- In the benchmarks' run -----------------------------------------------------------------------------


@contextmanager
def _database(geography: Geography, say: Callable[[str], None]) -> Iterator[dict[str, str]]:
    """The environment of a fresh database: a new PostgreSQL database on the server DATABASE_URL names
    (dropped afterwards), or a copy of the migrated SQLite template."""
    run_dir = fresh_run_dir("asb", geography)
    env = job_env(run_dir)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield env
        return
    import psycopg

    parts = urlsplit(url)
    name = f"saferhub_bench_asb_{os.getpid()}"
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        say(f"ASB: PostgreSQL database {name}, migrating ...")
        run_child(saferhub_command("migrate", "--no-input", "-v", "0"), env=env).check("migrate")
        yield env
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _not_measured(job: str) -> Row:
    return Row(job, None, None, None, None, None, None, f"p95 < {TARGET_MS:g} ms", False)


def asb_benchmark(
    *, quick: bool, geography: Geography, say: Callable[[str], None]
) -> tuple[list[Row], dict[str, Any], list[str]]:
    scale = 20 if quick else 1
    with _database(geography, say) as env:
        say(
            f"ASB: {INCIDENTS // scale:,} incidents, {PARTIES // scale:,} parties, {CASES // scale:,} cases, "
            "bulk-inserted, then timed ..."
        )
        child = run_child([PYTHON, "-m", "benchmarks.asb", "--scale", str(scale)], env=env).check(
            "asb benchmark"
        )
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    figures["process"] = child.measurements()
    say(f"  {figures['database']}: built in {figures['build_seconds']} s, {figures['counts']}")
    rows = []
    for job, baseline, label in (
        ("party_matches", "party_scan", "duplicate people: party_matches"),
        ("incident_matches", "incident_scan", "duplicate incidents: incident_matches"),
        ("case_page", "case_scan", f"case page with {CASE_PAGE_INCIDENTS} incidents (GET, lead officer)"),
        ("work_list", "work_scan", f"work list of an officer with {BUSY_OFFICER_CASES} open cases"),
    ):
        if job not in figures:
            rows.append(_not_measured(f"asb {figures['database']}: {label}: {figures[f'{job}_error']}"))
            continue
        ours, theirs = figures[job], figures[baseline]
        rows += [
            Row(
                job=f"asb {figures['database']}: {label} (p50 {ours['median_ms']} ms)",
                rows=None,
                seconds=ours["p95_ms"] / 1000,
                cpu_seconds=None,
                rows_per_second=None,
                peak_rss_mb=None,
                ratio=theirs["median_ms"] / ours["median_ms"],
                target=f"p95 < {TARGET_MS:g} ms",
                met=ours["p95_ms"] < TARGET_MS,
            ),
            Row(
                job=f"asb {figures['database']}: {baseline}, Python (p50 {theirs['median_ms']} ms)",
                rows=None,
                seconds=theirs["p95_ms"] / 1000,
                cpu_seconds=None,
                rows_per_second=None,
                peak_rss_mb=None,
                ratio=1.0,
                target="(baseline)",
                met=None,
            ),
        ]
    notes = [
        f"ASB on {figures['database']}: {figures['counts']}, built in {figures['build_seconds']} s. "
        "Seconds are the p95; the ratio is the baseline's median over ours. "
        f"Work list: {figures['work_list_what']}, "
        f"{figures.get('work_list_items', 'no')} items. party_matches found someone for "
        f"{figures['party_found_share']:.0%} of the people typed another way."
    ]
    return rows, figures, notes


if __name__ == "__main__":
    child_main()
    sys.exit(0)
