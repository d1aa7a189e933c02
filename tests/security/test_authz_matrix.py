"""The authorisation matrix: every URL name in the project × every kind of person × whose records.

How to read it
--------------
`MATRIX` maps each URL name (walked from the resolver, with its namespace) to an `Expect`. `Expect.get`
is a `Row`: what each class of person gets for GET on partnership A's own records under /p/alpha/:

    anonymous     nobody signed in
    manager       partnership manager or administrator in A
    theme_lead    theme lead in A, who leads A's priority "Business Crime"
    analyst       analyst in A, who works with its crime data
    member        every other role in A (case officer, board member, ...)
    county        partnership manager of the county board above A (sees A, has no role in A)
    other         partnership manager of B (a sibling of A)
    nobody        signed in, no memberships at all

For the JSON API (`auth="token"`) each person sends their own personal token instead of a session cookie,
and a request without one is answered 401.

Two more cases are derived for every URL with a partnership in it, with no table to keep:

    another's record    A's URL with one of B's record ids swapped in (/p/alpha/plans/<B's plan>/):
                        404 for everyone signed in
    another's slug      A's records under /p/beta/...: 404 for everyone signed in (for a URL with only a
                        slug, 404 for A's own people)

POST: with a CSRF token missing, every page refuses (403) a signed-in manager and an anonymous visitor.
With a valid token and a valid form (`Expect.data`), everyone the row refuses is refused in the same way on
POST and nothing changes: the audit trail, the rows of every domain table and the outbox are as before.
A control test checks the same forms, posted by someone allowed, do change something, so the refusals
are not vacuous.

GET and the refused POSTs are a test per URL name (`test_get[plans:plan]`), so pytest-xdist spreads them over
its workers. They share one scene, built once per module (per worker) in a transaction; each test runs in a
savepoint rolled back after it, with a copy of the scene's data folder, so every case starts from the same
rows and files.

Adding a URL: add a row to `MATRIX` or `test_every_url_name_has_an_expectation` fails.
The same URL on other records with other answers (the priority a theme lead does not lead): `Expect.also`.
Another form POSTed to the same URL with other answers (a police.uk upload, which the form refuses with 400
to anyone who is not a steward of its force): `Expect.posts`.
A known security bug: add it to `KNOWN_BUGS` with the right expectation kept in the matrix; it is then
left out of the big tests and checked on its own as a strict xfail, which fails once the bug is fixed.
"""

import datetime as dt
import functools
import secrets
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from saferhub.accounts.services import api_token_create
from saferhub.audit.models import AuditEvent, AuditVerb
from saferhub.audit.views import HISTORY_MODELS
from saferhub.core.csv import csv_text
from saferhub.core.registry import authz_matrix_modules
from saferhub.crimedata.models import ImportRun, Partition, PartitionVersion
from saferhub.crimedata.schema import POLICEUK_STREET_HEADER
from saferhub.crimedata.stewards import POLICEUK
from saferhub.crimedata.tests.factories import ColumnMappingFactory, ImportRunFactory, IndicatorFactory
from saferhub.partnerships.models import MembershipInvitation, Organisation, Partnership, Role
from saferhub.partnerships.tests.factories import PASSWORD
from saferhub.plans.models import Plan
from saferhub.plans.tests.factories import PriorityFactory
from tests.security.matrix_words import (
    A_PEOPLE,
    ANALYSES,
    API_READS,
    API_SIGNED_IN,
    LEADS_OR_MANAGES,
    MANAGES,
    NOT_STEWARDS,
    PERSONA_CLASS,
    PERSONAS,
    POST_ONLY,
    PUBLIC,
    READS,
    REFUSALS,
    SIGN_IN,
    SIGNED_IN,
    Expect,
    Outcome,
    Row,
    To,
)
from tests.world import world_build

# The apps whose rows, record kwargs and records live in a file of their own beside this one.
# Each app declares the module of its rows (saferhub/core/registry.py); the shared rows are in this file.
APP_MATRICES = authz_matrix_modules()

# --- Valid forms, so that a refusal is the only reason nothing changes -----------------------------


def council(w: Any) -> int:
    return Organisation.objects.get(name="Alpha City Council").pk


def plan_form(title: str) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {
        "title": title,
        "period_start": "2026-04-01",
        "period_end": "2029-03-31",
        "vision": "Safer streets.",
        "deliverables_label": "Key deliverables",
    }


def priority_form(w: Any) -> dict[str, Any]:
    return {"title": "Changed by the test", "description": "", "deliverables": "One\nTwo"}


# A confirm or discard of A's import, by someone who may load its months: back to its page, saying why not.
RUN_ACTION_POST = Row(
    SIGN_IN, To("/p/alpha/data/imports/"), 403, To("/p/alpha/data/imports/"), 403, 403, 404, 404
)


def extract_upload(w: Any) -> dict[str, Any]:
    """A one-row extract through A's saved mapping (a new file for each POST: an upload is read once).

    Not police.uk: only a force-area partnership's analysts and managers may load that (no one in A)."""
    content = b"Date,Offence\n03/01/2023,Burglary\n"
    return {
        "kind": str(w.records["a"]["column_mapping"].public_id),
        "file": SimpleUploadedFile("extract.csv", content, "text/csv"),
    }


def policeuk_upload(w: Any) -> dict[str, Any]:
    """A police.uk street file of the force A lies in: only that force's stewards may load it."""
    header = ",".join(POLICEUK_STREET_HEADER)
    row = "x1,2023-02,Shire Police,Shire Police,,,No location,,,Burglary,Under investigation,"
    return {
        "kind": POLICEUK,
        "file": SimpleUploadedFile("2023-02-shire-street.csv", f"{header}\n{row}\n".encode(), "text/csv"),
    }


# Its source is in A's namespace ('alpha.'), as every partnership's local extract source must be.
COLUMN_MAPPING = """slug = "alpha-crime"
name = "Alpha crime extract"
source = "alpha.crime"
force = "shire"

[columns]
date = "Date"
category = "Offence"
"""


def indicator_form(w: Any) -> dict[str, Any]:
    return {"sources": ["police.uk-street"], "name": "Burglary", "slug": "burglary", "categories": []}


MATRIX: dict[str, Expect] = {
    # Public pages. A signed-in person is sent on from the sign-in page.
    "core:accessibility": Expect(PUBLIC),
    "core:health": Expect(PUBLIC),
    "core:favicon": Expect(Row(*[To("/static/", status=301)] * 8)),
    "accounts:sign-in": Expect(Row(200, *[To("/")] * 7)),
    # Without a password accepted first, the security-code page sends everyone back to sign in.
    "accounts:sign-in-code": Expect(Row(*[To("/sign-in/")] * 8)),
    "accounts:password-reset": Expect(PUBLIC),
    "accounts:password-reset-sent": Expect(PUBLIC),
    # A valid link is exchanged for a session and the token leaves the URL.
    "accounts:password-reset-confirm": Expect(Row(*[To("/password-reset/")] * 8)),
    "accounts:password-reset-complete": Expect(PUBLIC),
    # Signing out takes POST only; anyone may.
    "accounts:sign-out": Expect(Row(405, *[405] * 7), post=Row(*[To("/sign-in/")] * 8)),
    # One's own account: anyone signed in.
    "accounts:account": Expect(SIGNED_IN, data=lambda w: {"full_name": "Changed Name", "job_title": "x"}),
    "accounts:password-change": Expect(
        SIGNED_IN,
        data=lambda w: {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-9",
            "new_password2": "a-new-long-passphrase-9",
        },
    ),
    "accounts:two-factor-setup": Expect(SIGNED_IN, data=lambda w: {"code": "123456"}, doer=None),
    # Nobody here has a device: the page that asks for the password goes back to the account.
    "accounts:two-factor-remove": Expect(
        Row(SIGN_IN, *[To("/account/")] * 7), data=lambda w: {"proof": PASSWORD}, doer=None
    ),
    "accounts:api-token-new": Expect(SIGNED_IN, data=lambda w: {"name": "Feed"}),
    # The token belongs to `nobody`: anyone else is told it does not exist.
    "accounts:api-token-revoke": Expect(
        POST_ONLY,
        data=lambda w: {},
        post=Row(SIGN_IN, 404, 404, 404, 404, 404, 404, To("/account/")),
        doer="nobody",
    ),
    # Partnerships.
    "partnerships:home": Expect(SIGNED_IN),
    "partnerships:partnership": Expect(READS),
    "partnerships:people": Expect(READS),
    "partnerships:settings": Expect(MANAGES, data=lambda w: {"requires_two_factor": "on"}),
    "partnerships:membership-add": Expect(
        MANAGES,
        data=lambda w: {
            "email": "new.person@example.org",
            "full_name": "New Person",
            "organisation": council(w),
            "role": Role.ANALYST.value,
        },
    ),
    "partnerships:membership-remove": Expect(MANAGES, data=lambda w: {}),
    "partnerships:invitation-withdraw": Expect(MANAGES, data=lambda w: {}),
    # A's invitation is addressed to `nobody` alone: it does not exist for anyone else. POST only.
    "partnerships:invitation-accept": Expect(
        POST_ONLY,
        data=lambda w: {},
        post=Row(SIGN_IN, 404, 404, 404, 404, 404, 404, To("/p/alpha/")),
        doer="nobody",
    ),
    "partnerships:invitation-decline": Expect(
        POST_ONLY,
        data=lambda w: {},
        post=Row(SIGN_IN, 404, 404, 404, 404, 404, 404, To("/")),
        doer="nobody",
    ),
    "partnerships:group-new": Expect(MANAGES, data=lambda w: {"name": "New group", "kind": "board"}),
    "partnerships:group": Expect(READS),
    "partnerships:meeting-new": Expect(
        MANAGES, data=lambda w: {"title": "Extra meeting", "held_on": "2025-07-01"}
    ),
    "partnerships:action-new": Expect(
        MANAGES, data=lambda w: {"description": "A new action", "status": "open"}
    ),
    "partnerships:action-edit": Expect(
        MANAGES, data=lambda w: {"description": "Changed by the test", "status": "done"}
    ),
    # Plans.
    "plans:plan-list": Expect(READS),
    "plans:plan-new": Expect(MANAGES, data=plan_form("A brand new plan")),
    "plans:plan": Expect(READS),
    "plans:plan-print": Expect(READS),
    "plans:plan-edit": Expect(MANAGES, data=plan_form("Changed by the test")),
    "plans:plan-revise": Expect(
        MANAGES, data=lambda w: {"label": "Revised", "revised_on": "2025-05-01", "summary": "x"}
    ),
    # GET changes nothing and goes back to the plan; POST makes it the current plan.
    "plans:plan-make-current": Expect(
        Row(SIGN_IN, To("/p/alpha/plans/"), 403, 403, 403, 403, 404, 404), data=lambda w: {}
    ),
    "plans:priority-new": Expect(MANAGES, data=priority_form),
    "plans:priority": Expect(
        READS, also={"a priority nobody leads": ({"priority_id": "other_priority"}, READS)}
    ),
    "plans:priority-edit": Expect(
        LEADS_OR_MANAGES,
        data=priority_form,
        also={
            "a priority the theme lead does not lead": ({"priority_id": "other_priority"}, MANAGES),
            # Still its lead after leaving A for the county board: leading needs a place in A.
            "a priority led by the county manager": ({"priority_id": "county_led_priority"}, MANAGES),
        },
    ),
    "plans:theme-new": Expect(MANAGES, data=lambda w: {"title": "Serious violence"}),
    "plans:theme-edit": Expect(MANAGES, data=lambda w: {"title": "Changed by the test"}),
    # The audit trail: managers of the partnership only (not the county board above it).
    "audit:partnership-log": Expect(MANAGES),
    "audit:record-history": Expect(MANAGES),
    # Crime data: whoever can see the partnership reads it; its analysts and managers change it.
    "crimedata:index": Expect(READS),
    "crimedata:imports": Expect(READS),
    "crimedata:import-new": Expect(
        ANALYSES,
        data=extract_upload,
        posts={"a police.uk upload by no steward of its force": (policeuk_upload, NOT_STEWARDS)},
    ),
    "crimedata:import": Expect(READS),
    "crimedata:import-progress": Expect(READS),
    # POST only. A's run waits for nothing, so confirming or discarding it answers why and changes nothing.
    "crimedata:import-confirm": Expect(
        Row(SIGN_IN, 405, 403, 405, 403, 403, 404, 404),
        data=lambda w: {},
        post=RUN_ACTION_POST,
        doer=None,
    ),
    "crimedata:import-discard": Expect(
        Row(SIGN_IN, 405, 403, 405, 403, 403, 404, 404),
        data=lambda w: {},
        post=RUN_ACTION_POST,
        doer=None,
    ),
    # Restoring a police.uk month: only a steward of its force (a force-area partnership's analyst or
    # manager, or a superuser); nobody in A is one.
    "crimedata:version-restore": Expect(
        Row(SIGN_IN, 405, 403, 405, 403, 403, 404, 404),
        data=lambda w: {},
        post=Row(SIGN_IN, 403, 403, 403, 403, 403, 404, 404),
        doer=None,
    ),
    "crimedata:import-report": Expect(READS),
    "crimedata:mappings": Expect(READS),
    "crimedata:mapping-new": Expect(ANALYSES, data=lambda w: {"text": COLUMN_MAPPING}),
    "crimedata:coverage": Expect(READS),
    "crimedata:quality": Expect(READS),
    "crimedata:indicators": Expect(READS),
    "crimedata:indicator-new": Expect(ANALYSES, data=indicator_form),
    "crimedata:indicator": Expect(READS),
    "crimedata:indicator-edit": Expect(
        ANALYSES, data=lambda w: {"name": "Changed by the test", "area_code": ""}
    ),
    # A's indicator is counted by its assessment (matrix_assessment): removing it is refused with the reason,
    # so there is no control that it goes.
    "crimedata:indicator-remove": Expect(ANALYSES, data=lambda w: {}, doer=None),
    # The JSON API, with a personal token. Its description is public; its root is not a page.
    "api-1.0.0:openapi-json": Expect(PUBLIC, auth="token"),
    "api-1.0.0:openapi-view": Expect(PUBLIC, auth="token"),
    "api-1.0.0:api-root": Expect(Row(*[404] * 8), auth="token"),
    "api-1.0.0:partnership_list": Expect(API_SIGNED_IN, auth="token"),
    "api-1.0.0:partnership_detail": Expect(API_READS, auth="token"),
    "api-1.0.0:organisation_list": Expect(API_READS, auth="token"),
    "api-1.0.0:plan_list": Expect(API_READS, auth="token"),
    "api-1.0.0:plan_detail": Expect(API_READS, auth="token"),
    "api-1.0.0:crime_counts": Expect(API_READS, auth="token"),
    "api-1.0.0:indicator_list": Expect(API_READS, auth="token"),
    "api-1.0.0:indicator_series": Expect(API_READS, auth="token"),
    "api-1.0.0:import_list": Expect(API_READS, auth="token"),
}
for _app in APP_MATRICES:
    MATRIX |= _app.MATRIX

# (URL name, case, persona class) → why the app is wrong. Checked alone, as a strict xfail.
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}

# --- Walking the URLconf --------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    kwargs: tuple[str, ...]


@functools.cache  # walked once per process, not once for each of the hundreds of tests
def routes() -> dict[str, Route]:
    """Every named URL pattern in the project, by its namespaced name, with the kwargs it takes."""
    found: dict[str, Route] = {}
    unnamed: list[str] = []

    def walk(resolver: URLResolver, namespace: str, kwargs: tuple[str, ...], prefix: str) -> None:
        for entry in resolver.url_patterns:
            own = tuple(getattr(entry.pattern, "converters", {}) or entry.pattern.regex.groupindex)
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry, inner, kwargs + own, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                if not entry.name:
                    unnamed.append(prefix + str(entry.pattern))
                    continue
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                found[name] = Route(name, kwargs + own)

    walk(get_resolver(), "", (), "/")
    assert not unnamed, f"Name these URL patterns so the matrix can cover them: {unnamed}"
    return found


RECORD_KWARGS = {
    "plan_id": "plan",
    "priority_id": "priority",
    "theme_id": "theme",
    "group_id": "group",
    "action_id": "action",
    "membership_id": "membership",
    "invitation_id": "invitation",
    "run_id": "import_run",
    "version_id": "partition_version",
    "indicator_id": "indicator",
}
for _app in APP_MATRICES:
    RECORD_KWARGS |= _app.RECORD_KWARGS


@dataclass
class Scene:
    """The shared `world` plus what the matrix needs: more priorities, API tokens, a reset link."""

    world: Any
    api_secrets: dict[str, str]
    sessions: dict[str, str]  # persona -> session key, signed in once for the module
    revocable_token: Any

    def reset(self) -> tuple[str, str]:
        """A password-reset link for `nobody`, made now: signing in (force_login) changes it."""
        nobody = self.world.people["nobody"]
        nobody.refresh_from_db()
        return urlsafe_base64_encode(force_bytes(nobody.pk)), default_token_generator.make_token(nobody)

    def slug(self, owner: str) -> str:
        return {"a": self.world.a.slug, "b": self.world.b.slug}[owner]

    def record(self, owner: str, key: str) -> Any:
        if key == "partnership":
            return {"a": self.world.a, "b": self.world.b}[owner]
        return self.world.records[owner][key]


def crime_records(world: Any) -> None:
    """An import (with its rejection report) and an indicator of each partnership; a month of police.uk."""
    # A's area, for the counts the API answers about it by default.
    Partnership.objects.filter(pk=world.a.pk).update(area_codes=["E06000016"])
    world.a.refresh_from_db()
    for owner, partnership in (("a", world.a), ("b", world.b)):
        run = ImportRunFactory(
            partnership=partnership,
            kind="police.uk",
            status="committed",
            files=["2023-01-shire-street.csv"],
            rows_read=2,
            rows_stored=1,
            rows_rejected=1,
            rejections=[{"file": "2023-01-shire-street.csv", "line": 3, "column": "Month", "reason": "x"}],
        )
        report = Path(settings.SAFERHUB_DATA_DIR) / "crime" / "reports" / f"{run.public_id}.csv"
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(
            csv_text(["file", "line", "column", "reason"], [["2023-01-shire-street.csv", 3, "x", "y"]])
        )
        ImportRun.objects.filter(pk=run.pk).update(report_path=f"reports/{run.public_id}.csv")
        world.records[owner]["import_run"] = run
        world.records[owner]["partition_version"] = PartitionVersion.objects.create(
            source="police.uk-street",
            force="shire",
            month=dt.date(2022, 12, 1),
            path=f"partitions/police.uk-street/shire/2022-12/{owner}.parquet",
            checksum="0" * 64,
            rows=1,
            no_location_rows=1,
            lsoa_2011_rows=0,
            lsoa_2021_rows=0,
            import_run=run,
            replaced_by=run,
        )
        world.records[owner]["indicator"] = IndicatorFactory(
            partnership=partnership, slug="matrix", name="Matrix count", sources=["police.uk-street"]
        )
    world.records["a"]["column_mapping"] = ColumnMappingFactory(
        partnership=world.a,
        slug="alpha-crime",
        name="Alpha crime extract",
        source="alpha.crime",
        text=COLUMN_MAPPING + "# saved before: the mapping-new row's POST then changes it\n",
    )
    Partition.objects.create(
        source="police.uk-street",
        force="shire",
        month=dt.date(2023, 1, 1),
        path="partitions/police.uk-street/shire/2023-01/none.parquet",
        checksum="0" * 64,
        rows=1,
        no_location_rows=1,
        lsoa_2011_rows=0,
        lsoa_2021_rows=0,
        import_run=world.records["a"]["import_run"],
    )


def scene_build(world: Any) -> Scene:
    """The matrix's records beside the world's, an API token per persona, and a session per persona."""
    crime_records(world)
    for app in APP_MATRICES:
        app.records(world)
    for owner in ("a", "b"):
        records = world.records[owner]
        records["other_priority"] = PriorityFactory(plan=records["plan"], title="Anti-social behaviour")
        # Not current, so that making it current is a change the refusals must prevent.
        Plan.objects.filter(pk=records["plan"].pk).update(is_current=False)
        records["plan"].refresh_from_db()
        records["invitation"] = MembershipInvitation.objects.create(
            user=world.people["nobody"],
            partnership=records["plan"].partnership,
            organisation=Organisation.objects.get(name="Alpha City Council"),
            role=Role.ANALYST,
            name_given="Invited Person",
        )
    # The county manager was made its lead while working in A; that membership has since been removed.
    world.records["a"]["county_led_priority"] = PriorityFactory(
        plan=world.records["a"]["plan"], title="Serious violence", lead_user=world.people["county_manager"]
    )
    api_secrets, sessions = {}, {}
    for persona in PERSONAS:
        if persona != "anonymous":
            api_secrets[persona] = api_token_create(user=person(world, persona), name="Matrix")[1]
            signing_in = Client()
            signing_in.force_login(person(world, persona))
            sessions[persona] = signing_in.cookies[settings.SESSION_COOKIE_NAME].value
    token, _ = api_token_create(user=world.people["nobody"], name="Revocable")
    return Scene(world, api_secrets, sessions, token)


@pytest.fixture(scope="module")
def built_scene(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Scene, Path]]:
    """The scene and its data folder, built once per module (so once per pytest-xdist worker) in a transaction
    rolled back after the module. Each test runs in a savepoint inside it that is rolled back after the test
    (pytest-django's `db`), so every case, a refused POST included, starts from the same rows."""
    data_dir = tmp_path_factory.mktemp("matrix-data")
    with django_db_blocker.unblock(), override_settings(SAFERHUB_DATA_DIR=data_dir), transaction.atomic():
        yield scene_build(world_build()), data_dir
        transaction.set_rollback(True)


@pytest.fixture
def scene(built_scene: tuple[Scene, Path], db: Any, settings: Any, tmp_path: Path) -> Scene:
    """The module's scene, with a copy of its data folder (the crime store of imports, uploads and reports,
    and the documents) of the test's own: files are not rolled back with the rows."""
    shared, data_dir = built_scene
    settings.SAFERHUB_DATA_DIR = shutil.copytree(data_dir, tmp_path / "data")
    return shared


def person(world: Any, persona: str) -> Any:
    return world.people[persona]


@dataclass(frozen=True)
class Case:
    name: str  # "own records", "another's record", "another's slug" or an `also` label
    url: str
    expected: dict[str, Outcome]  # persona class → outcome


def kwargs_for(route: Route, scene: Scene, slug_owner: str, owners: dict[str, str], keys: dict[str, str]):
    """Kwarg sets for `route`: the slug of `slug_owner`, each record of `owners[kwarg]` (default A)."""
    base: dict[str, Any] = {}
    for kwarg in route.kwargs:
        if kwarg == "slug":
            base[kwarg] = scene.slug(slug_owner)
        elif kwarg in RECORD_KWARGS:
            key = keys.get(kwarg, RECORD_KWARGS[kwarg])
            base[kwarg] = scene.record(owners.get(kwarg, "a"), key).public_id
        elif kwarg == "token_id":
            base[kwarg] = scene.revocable_token.public_id
        elif kwarg == "uidb64":
            base[kwarg] = scene.reset()[0]
        elif kwarg == "token":
            base[kwarg] = scene.reset()[1]
        elif kwarg not in ("model", "record_id"):
            raise AssertionError(f"No way to build kwarg {kwarg!r} of URL name {route.name}: add one")
    if "model" in route.kwargs:
        for model in HISTORY_MODELS:
            owner = owners.get("record_id", "a")
            yield {**base, "model": model, "record_id": scene.record(owner, model).public_id}
    else:
        yield base


def cases(route: Route, expect: Expect, scene: Scene, row_of: Callable[[Expect], Row]) -> Iterator[Case]:
    """Own records (and `also`), another partnership's record ids, A's records under B's slug."""
    own = row_of(expect).by_class()
    for kwargs in kwargs_for(route, scene, "a", {}, {}):
        yield Case("own records", reverse(route.name, kwargs=kwargs), own)
    for label, (keys, row) in expect.also.items():
        for kwargs in kwargs_for(route, scene, "a", {}, keys):
            yield Case(label, reverse(route.name, kwargs=kwargs), row_of(Expect(row, post=row)).by_class())
    if "slug" not in route.kwargs:
        return
    anonymous = 401 if expect.auth == "token" else SIGN_IN
    record_kwargs = [k for k in route.kwargs if k in RECORD_KWARGS or k == "record_id"]
    everyone_404 = {"anonymous": anonymous, **dict.fromkeys(set(PERSONA_CLASS.values()) - {"anonymous"}, 404)}
    for swapped in record_kwargs:
        for kwargs in kwargs_for(route, scene, "a", {swapped: "b"}, {}):
            yield Case(f"another's record ({swapped})", reverse(route.name, kwargs=kwargs), everyone_404)
    a_people_404 = dict.fromkeys(A_PEOPLE, 404)
    # A public page (open data) is public under every partnership's slug; anything else of B's is not A's.
    slug_expected = own if expect.get == PUBLIC else (everyone_404 if record_kwargs else a_people_404)
    for kwargs in kwargs_for(route, scene, "b", {}, {}):
        yield Case("another's slug", reverse(route.name, kwargs=kwargs), slug_expected)


# --- Requests -------------------------------------------------------------------------------------


def clients(scene: Scene) -> dict[tuple[str, str], Client]:
    """A client per (persona, "session" | "token"): signed in, or with a bearer token; a CSRF cookie each.
    New for each test, so that no cookie a response sets reaches another case."""
    made = {}
    for auth in ("session", "token"):
        for persona in PERSONAS:
            headers = {}
            if auth == "token" and persona != "anonymous":
                headers["Authorization"] = f"Bearer {scene.api_secrets[persona]}"
            client = Client(enforce_csrf_checks=True, headers=headers)
            if auth == "session" and persona != "anonymous":
                # The session row is the module's, restored with the rest after each test.
                client.cookies[settings.SESSION_COOKIE_NAME] = scene.sessions[persona]
            client.cookies[settings.CSRF_COOKIE_NAME] = secrets.token_hex(16)  # as a browser holds it
            made[persona, auth] = client
    return made


def csrf_header(client: Client) -> dict[str, str]:
    """What the page's own form sends: the token matching the cookie."""
    return {"X-CSRFToken": client.cookies[settings.CSRF_COOKIE_NAME].value}


def mismatch(response: Any, expected: Outcome) -> str | None:
    """What is wrong with the response, or None."""
    location = response.headers.get("Location", "")
    if isinstance(expected, To):
        if response.status_code == expected.status and location.startswith(expected.prefix):
            return None
    elif response.status_code == expected:
        return None
    return f"expected {expected}, got {response.status_code} {location}".rstrip()


# Tables a refused request must leave alone, less the columns that record use rather than change. (Not the
# audit trail, which records the refusal; nor the reference data and documents no page of theirs writes.)
WATCHED_APPS = {
    "accounts",
    "partnerships",
    "plans",
    "crimedata",
    "assessment",
    "performance",
    "grants",
    "governance",
    "asb",
    "workflow",
    "otp_totp",
}
VOLATILE = {("accounts.User", "last_login"), ("accounts.ApiToken", "last_used_at")}


def snapshot() -> dict[str, Any]:
    """Every row of every watched table, the changing audit events and the outbox."""
    state: dict[str, Any] = {
        "audit events created/updated/deleted": AuditEvent.objects.filter(
            verb__in=[AuditVerb.CREATED, AuditVerb.UPDATED, AuditVerb.DELETED]
        ).count(),
        "other changing audit events": AuditEvent.objects.exclude(
            verb__in=[
                AuditVerb.CREATED,
                AuditVerb.UPDATED,
                AuditVerb.DELETED,
                AuditVerb.VIEWED,
                AuditVerb.REFUSED,
            ]
        ).count(),
        "emails sent": len(mail.outbox),
    }
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models():
            meta = model._meta
            if meta.app_label not in WATCHED_APPS:
                continue
            columns = [quote(f.column) for f in meta.concrete_fields if (meta.label, f.name) not in VOLATILE]
            table, pk = quote(meta.db_table), quote(meta.pk.column)
            # Names from our own models, no input: a plain SELECT is the cheapest whole-table snapshot.
            cursor.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {pk}")  # noqa: S608
            state[meta.label] = cursor.fetchall()
    return state


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [key for key in before if before[key] != after[key]]


def get_row(expect: Expect) -> Row:
    return expect.get


def post_row(expect: Expect) -> Row:
    return expect.post or expect.get


def check_get(case: Case, persona: str, client: Client) -> str | None:
    expected = case.expected.get(PERSONA_CLASS[persona])
    if expected is None:
        return None
    problem = mismatch(client.get(case.url), expected)
    return problem and f"GET {case.url} [{case.name}] as {persona}: {problem}"


class RefusedPosts:
    """POST a valid form with a valid CSRF token as someone the row refuses: refused alike, no change."""

    def __init__(self) -> None:
        self.state = snapshot()

    def check(self, case: Case, persona: str, client: Client, data: dict[str, Any]) -> str | None:
        expected = case.expected.get(PERSONA_CLASS[persona])
        if expected not in REFUSALS:
            return None
        response = client.post(case.url, data, headers=csrf_header(client))
        problems = [problem] if (problem := mismatch(response, expected)) else []
        after = snapshot()
        if changed := changes(self.state, after):
            problems.append(f"it changed {', '.join(changed)}")
            self.state = after
        return f"POST {case.url} [{case.name}] as {persona}: {'; '.join(problems)}" if problems else None


def known(name: str, case: Case, persona: str) -> bool:
    return (name, case.name, PERSONA_CLASS[persona]) in KNOWN_BUGS


def route_of(name: str) -> Route:
    """The URL name's route; a name the URLconf no longer has is test_every_url_name_has_an_expectation's."""
    route = routes().get(name)
    if route is None:
        pytest.skip(f"{name} is not a URL name any more")
    return route


def report(problems: list[str]) -> str:
    return f"{len(problems)} mismatches with the matrix:\n" + "\n".join(problems)


# --- The tests ------------------------------------------------------------------------------------


def test_every_url_name_has_an_expectation():
    names = set(routes())
    missing = sorted(names - set(MATRIX))
    stale = sorted(set(MATRIX) - names)
    assert not missing, "".join(f"\nURL name {name} has no expectation in the matrix" for name in missing)
    assert not stale, f"The matrix names URLs that no longer exist: {stale}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_get(name, scene):
    """Every persona GETs the URL name, on own records, another's record ids and another's slug."""
    route, expect, made = route_of(name), MATRIX[name], clients(scene)
    problems = [
        problem
        for case in cases(route, expect, scene, get_row)
        for persona in PERSONAS
        if not known(name, case, persona)
        and (problem := check_get(case, persona, made[persona, expect.auth]))
    ]
    assert not problems, report(problems)


def post_cases(route: Route, expect: Expect, scene: Scene) -> Iterator[tuple[Case, Callable[[Any], Any]]]:
    """Each case POSTed to a URL name, with its form: its own `data`, then each of `posts` (by its label)."""
    if expect.data:
        for case in cases(route, expect, scene, post_row):
            yield case, expect.data
    for label, (data, row) in expect.posts.items():
        for case in cases(route, Expect(row, auth=expect.auth), scene, post_row):
            yield Case(f"{label}: {case.name}", case.url, case.expected), data


@pytest.mark.parametrize("name", sorted(n for n, e in MATRIX.items() if e.data or e.posts))
def test_refused_post_changes_nothing(name, scene):
    """With a valid CSRF token and a valid form, whoever the row refuses is refused and nothing changes."""
    route, expect, made = route_of(name), MATRIX[name], clients(scene)
    posts = RefusedPosts()
    problems = [
        problem
        for case, data in post_cases(route, expect, scene)
        for persona in PERSONAS
        if not known(name, case, persona)
        and (problem := posts.check(case, persona, made[persona, expect.auth], data(scene.world)))
    ]
    assert not problems, report(problems)


@pytest.mark.parametrize("name", sorted(n for n, e in MATRIX.items() if e.data and e.doer))
def test_the_forms_posted_are_valid(name, scene):
    """Control: the same form, posted by someone allowed, does change something (so refusals mean it)."""
    route, expect = routes()[name], MATRIX[name]
    client = clients(scene)[expect.doer, expect.auth]
    url = next(cases(route, expect, scene, post_row)).url
    before = snapshot()
    response = client.post(url, expect.data(scene.world), headers=csrf_header(client))
    assert response.status_code in (200, 302), response.content.decode()[:2000]
    assert changes(before, snapshot()), f"POST {url} as {expect.doer} changed nothing"


def test_post_without_csrf_token_is_refused(scene):
    """A cross-site form (no CSRF token) is refused with 403 before any role or form is considered."""
    found, made = routes(), clients(scene)
    problems = []
    state = snapshot()
    for name, expect in sorted(MATRIX.items()):
        if name not in found or expect.auth != "session":
            continue
        url = next(cases(found[name], expect, scene, post_row)).url
        for persona in ("partnership_manager", "anonymous"):
            response = made[persona, "session"].post(url, expect.data(scene.world) if expect.data else {})
            if response.status_code != 403 or b"CSRF" not in response.content:
                problems.append(f"POST {url} as {persona} without a CSRF token: got {response.status_code}")
            if changed := changes(state, after := snapshot()):
                problems.append(f"POST {url} as {persona} without a CSRF token changed {', '.join(changed)}")
                state = after
    assert not problems, report(problems)


# The API's writes: a manual measure's lead sends its figures; a partner's system sends an ASB incident. An
# empty body is refused as invalid (422). GET and POST share each URL, so both names are listed.
API_WRITES = {
    "api-1.0.0:measure_figure_record",
    "api-1.0.0:measure_figure_list",
    "api-1.0.0:asb_incident_record",
    "api-1.0.0:asb_incident_list",
}


def test_api_takes_no_session_and_no_writes(scene):
    """The API authenticates by token only (a forged cross-site request carries none) and writes nothing but
    a manual measure's figures (API_WRITES), which an empty POST does not change."""
    found, made = routes(), clients(scene)
    problems = []
    state = snapshot()
    for name, expect in sorted(MATRIX.items()):
        if name not in found or expect.auth != "token":
            continue
        url = next(cases(found[name], expect, scene, get_row)).url
        if (
            expect.get.anonymous == 401
            and (status := made["partnership_manager", "session"].get(url).status_code) != 401
        ):
            problems.append(f"GET {url} with a session cookie and no token: expected 401, got {status}")
        for auth in ("session", "token"):
            client = made["partnership_manager", auth]
            status = client.post(url, {}, headers=csrf_header(client)).status_code
            allowed = (401, 422) if name in API_WRITES and auth == "token" else (401, 405)
            if expect.get.anonymous == 401 and status not in allowed:
                problems.append(f"POST {url} ({auth}): expected 401 or 405, got {status}")
    assert not changes(state, snapshot()), "a POST to the API changed something"
    assert not problems, report(problems)


@pytest.mark.parametrize(
    ("name", "case_name", "persona_class"),
    [pytest.param(*key, marks=pytest.mark.xfail(strict=True, reason=why)) for key, why in KNOWN_BUGS.items()],
)
def test_known_bug(name, case_name, persona_class, scene):
    """Each known bug on its own: it fails until the app is fixed, then this says to take it off the list."""
    route, expect = routes()[name], MATRIX[name]
    made = clients(scene)
    personas = [p for p in PERSONAS if PERSONA_CLASS[p] == persona_class]
    problems = [
        check_get(case, p, made[p, expect.auth])
        for case in cases(route, expect, scene, get_row)
        if case.name == case_name
        for p in personas
    ]
    if expect.data:
        posts = RefusedPosts()
        problems += [
            posts.check(case, p, made[p, expect.auth], expect.data(scene.world))
            for case in cases(route, expect, scene, post_row)
            if case.name == case_name
            for p in personas
        ]
    problems = [p for p in problems if p]
    assert not problems, report(problems)
