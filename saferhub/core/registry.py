"""What each app adds to the shared places, declared once on its own AppConfig.

An app sets `features = AppFeatures(...)` in its `apps.py`: its links on the partnership page, the records
whose history the audit pages show, its JSON API router, its demo loader and its rows of the authorisation
matrix. The partnership page, the audit pages, the API, `load_demo` and the matrix read these declarations,
so adding an app touches its own folder, `INSTALLED_APPS` and one line of `config/urls.py`. The
declarations are strings, not imports: core sits below every app and imports none of them.
"""

import tomllib
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
    """

    navigation: tuple[NavEntry, ...] = ()
    not_in_navigation: str = ""
    history_models: dict[str, str] = field(default_factory=dict)
    history_parts: dict[str, HistoryParts] = field(default_factory=dict)
    api_router: str | None = None
    demo_loader: str | None = None
    authz_matrix: str | None = None


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
