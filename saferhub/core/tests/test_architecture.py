"""The import-linter contracts (pyproject.toml) cover every app, so a new one cannot be invisible to them.

lint-imports checks only the packages a contract names: an app missing from the platform layers could
import any other app, and the linter would not say so.
"""

import tomllib
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

PACKAGE = Path(settings.BASE_DIR) / "saferhub"


def contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text(encoding="utf-8"))
    return {contract["name"]: contract for contract in config["tool"]["importlinter"]["contracts"]}


def contract(starting: str) -> dict[str, Any]:
    (found,) = (c for name, c in contracts().items() if name.startswith(starting))
    return found


def saferhub_apps() -> list[str]:
    """Every package directly under saferhub/, whether or not it is installed yet."""
    return sorted(
        f"saferhub.{path.parent.name}"
        for path in PACKAGE.glob("*/__init__.py")
        if path.parent.name != "tests"
    )


def layer_modules(layers: list[str]) -> list[str]:
    """The modules of a layers contract's layers: 'a | b' and 'a : b' are siblings in one layer."""
    return [
        name.strip().strip("()")
        for layer in layers
        for sibling in layer.split("|")
        for name in sibling.split(":")
    ]


def test_every_app_is_in_the_platform_layers_once() -> None:
    listed = layer_modules(contract("the platform layers")["layers"])
    assert sorted(listed) == sorted(set(listed)), "an app is in two layers"
    assert set(saferhub_apps()) - set(listed) == set(), "add the app to the platform layers in pyproject.toml"
    assert set(listed) - set(saferhub_apps()) == set(), "the platform layers name an app that is not there"


@pytest.mark.parametrize(
    ("starting", "field"),
    [
        ("inside every app", "containers"),
        ("an app's internals are its own", "source_modules"),
    ],
)
def test_the_contracts_on_every_app_match_every_app(starting: str, field: str) -> None:
    patterns = contract(starting)[field]
    unmatched = [app for app in saferhub_apps() if not any(fnmatchcase(app, p) for p in patterns)]
    assert unmatched == []
