"""What each app adds to the shared places, declared once on its own AppConfig.

An app sets `features = AppFeatures(...)` in its `apps.py`: its links on the partnership page, the records
whose history the audit pages show, its JSON API router, its demo loader and its rows of the authorisation
matrix. The partnership page, the audit pages, the API, `load_demo` and the matrix read these declarations,
so adding an app touches its own folder, `INSTALLED_APPS` and one line of `config/urls.py`. The
declarations are strings, not imports: core sits below every app and imports none of them.

An app also declares what it asks of a person today (`work`): the "My work" list on the home page gathers
every app's items, so that a new app adds its own without the home page knowing it.
"""

import datetime as dt
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

from django.apps import apps


@dataclass(frozen=True)
class NavEntry:
    """A link in the partnership page's "Partnership business" list, to a page taking the partnership's slug.

    `permission`, when given, is checked against the partnership; without it, everyone who can see the
    partnership sees the link. The list is in `order`, across all apps.
    """

    label: str
    url_name: str
    order: int
    permission: str | None = None


@dataclass(frozen=True)
class HistoryParts:
    """Parts that a record's history page lists with it, each by one line of text: a priority's deliverables.

    `model` is the parts' model ("app_label.Model", with simple-history), `record_field` the field of a part
    naming its record ("priority_id"), `text_field` what a part says, and `noun` what the history calls one.
    """

    model: str
    record_field: str
    text_field: str
    noun: str


@dataclass(frozen=True)
class AppFeatures:
    """What one app adds to the shared places; an empty field means it adds nothing there.

    - `navigation`: its links on the partnership page. An app with pages but no link there says why in
      `not_in_navigation` (its pages are reached some other way).
    - `history_models`: the records whose history `/p/<slug>/history/<word>/<uuid>/` shows, by the word in
      that URL, as "app_label.Model"; each has a `public_id`, an `audit_partnership` and simple-history's
      `history`. `history_parts`: by the same word, the parts whose changes the record's history shows.
    - `api_router`: the dotted path of its django-ninja `Router` in its `api.py`.
    - `demo_loader`: the dotted path of a callable taking a `DemoRun`, called by `load_demo` once for each
      stage (see `DemoStage`), in the order of `INSTALLED_APPS`, which lists the lower layers first.
    - `authz_matrix`: the dotted path of a module with its rows of the authorisation matrix (`MATRIX`,
      `RECORD_KWARGS` and `records(world)`), when they are in a module of their own.
    - `work`: the dotted path of its `work_for(user, today) -> list[WorkItem]`, what it asks of the person
      for the "My work" list; only what they may see, in a few queries whatever their number.
    """

    navigation: tuple[NavEntry, ...] = ()
    not_in_navigation: str = ""
    history_models: dict[str, str] = field(default_factory=dict)
    history_parts: dict[str, HistoryParts] = field(default_factory=dict)
    api_router: str | None = None
    demo_loader: str | None = None
    authz_matrix: str | None = None
    work: str | None = None


@dataclass(frozen=True)
class WorkItem:
    """One thing a person is asked to do, on the "My work" list: what (`label`), where it is done (`url`),
    by when (`due_on`, None when it has no date), in which partnership, under which heading of its app
    (`section`), with a line of `detail` ("Returned for changes", "High risk")."""

    section: str
    label: str
    url: str
    due_on: dt.date | None = None
    partnership: str = ""
    detail: str = ""

    def days_left(self, today: dt.date) -> int | None:
        """Days until its due date: 0 on the day, negative once overdue, None with no date."""
        return None if self.due_on is None else (self.due_on - today).days


# The "My work" list's headings, by how soon an item is due: what an officer reads first is at the top.
WORK_SOON_DAYS = 7
OVERDUE = "Overdue"
DUE_SOON = "Due in the next 7 days"
LATER = "Due later"
UNDATED = "No due date"


def _import_callable(dotted_path: str) -> Callable[..., Any]:
    module, name = dotted_path.rsplit(".", 1)
    found: Callable[..., Any] = getattr(import_module(module), name)
    return found


def work_providers() -> list[str]:
    return [features.work for features in registered_apps().values() if features.work]


def work_items(user: Any, today: dt.date) -> list[WorkItem]:
    """Everything every app asks of the person: overdue first (the longest overdue at the top), then by due
    date, then the undated; within a day, by app, partnership and label, so that the order is stable."""
    items = [item for provider in work_providers() for item in _import_callable(provider)(user, today)]
    return sorted(
        items,
        key=lambda item: (
            item.due_on is None,
            item.due_on or dt.date.max,
            item.section,
            item.partnership,
            item.label,
        ),
    )


def work_heading(item: WorkItem, today: dt.date) -> str:
    days = item.days_left(today)
    if days is None:
        return UNDATED
    if days < 0:
        return OVERDUE
    return DUE_SOON if days < WORK_SOON_DAYS else LATER


def work_by_heading(user: Any, today: dt.date) -> list[tuple[str, list[WorkItem]]]:
    """The person's work under its headings, in `work_items`' order, leaving out a heading with nothing."""
    grouped: dict[str, list[WorkItem]] = {heading: [] for heading in (OVERDUE, DUE_SOON, LATER, UNDATED)}
    for item in work_items(user, today):
        grouped[work_heading(item, today)].append(item)
    return [(heading, items) for heading, items in grouped.items() if items]


def registered_apps() -> dict[str, AppFeatures]:
    """Each saferhub app's declaration, by app label, in the order of `INSTALLED_APPS`."""
    declared = {
        config.label: getattr(config, "features", None)
        for config in apps.get_app_configs()
        if config.name.startswith("saferhub.")
    }
    return {label: features for label, features in declared.items() if isinstance(features, AppFeatures)}


def navigation() -> list[NavEntry]:
    return sorted(
        (entry for features in registered_apps().values() for entry in features.navigation),
        key=lambda entry: entry.order,
    )


def history_models() -> dict[str, str]:
    return {
        word: model
        for features in registered_apps().values()
        for word, model in features.history_models.items()
    }


def history_parts() -> dict[str, HistoryParts]:
    return {
        word: parts
        for features in registered_apps().values()
        for word, parts in features.history_parts.items()
    }


def api_routers() -> list[str]:
    return [features.api_router for features in registered_apps().values() if features.api_router]


def demo_loaders() -> list[str]:
    return [features.demo_loader for features in registered_apps().values() if features.demo_loader]


def authz_matrix_modules() -> tuple[ModuleType, ...]:
    """The modules of the authorisation matrix's rows that apps keep apart from its shared file."""
    return tuple(
        import_module(features.authz_matrix)
        for features in registered_apps().values()
        if features.authz_matrix
    )


class DemoStage(StrEnum):
    """`load_demo` calls every loader for the records (in one transaction), then again for the evidence.

    The evidence (geography, crime data, indicators) is large and skipped by `--without-crime-data`. A
    loader may act in both stages: performance's automatic measures count indicators that only the
    evidence brings.
    """

    RECORDS = "records"
    EVIDENCE = "evidence"


@dataclass
class DemoRun:
    """What the demo loaders share: the demo file, the data folder, and what they have made so far.

    Every loader goes through the ordinary services, and leaves a record that already exists as it is.
    """

    stage: DemoStage
    demo: dict[str, Any]
    data_dir: Path
    password: str
    created: dict[str, int] = field(default_factory=dict)
    loaded: list[str] = field(default_factory=list)

    @classmethod
    def from_file(cls, path: Path, *, data_dir: Path, password: str) -> "DemoRun":
        demo = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls(stage=DemoStage.RECORDS, demo=demo, data_dir=data_dir, password=password)

    def count(self, kind: str) -> None:
        """One more record of `kind` made (for the summary `load_demo` prints)."""
        self.created[kind] = self.created.get(kind, 0) + 1
