"""The fixtures every suite shares: the named people of partnerships A and B under a county board (one
person per role in A), signing in as one of them, and a data folder of the process's own."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from saferhub.accounts.services import api_token_create
from tests.world import World, world_build


@pytest.fixture(scope="session", autouse=True)
def _data_dir_of_this_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A data folder of the test process's own instead of the project's var/: each pytest-xdist worker has
    its own base temporary folder, so the workers' documents and crime stores never meet (nor a developer's).
    A test that needs an empty one of its own still asks for it (`crime_store`, `settings`)."""
    with override_settings(SAFERHUB_DATA_DIR=tmp_path_factory.mktemp("data")):
        yield


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Figures are cached per process under the store's version, and each test's database is rolled back
    while the process lives on: every test starts with nothing cached."""
    cache.clear()


@pytest.fixture
def world(db: Any) -> World:
    """Partnership A (with its plan, priority, group, action) and partnership B with a record of each kind."""
    return world_build()


@pytest.fixture
def manager(world: World) -> Any:
    """A's partnership manager."""
    return world.people["partnership_manager"]


@pytest.fixture
def lead(world: World) -> Any:
    """A's theme lead, who leads A's priority "Business Crime"."""
    return world.people["theme_lead"]


@pytest.fixture
def sign_in(client: Client, world: World) -> Callable[[str], Client]:
    """`sign_in("analyst")`: the test's client, signed in as that person of the world (by their key)."""

    def signed_in(who: str) -> Client:
        client.force_login(world.people[who])
        return client

    return signed_in


@pytest.fixture
def api_as(world: World) -> Callable[[str], Callable[[str], Any]]:
    """`api_as("board_member")("/partnerships/alpha/funds")`: a GET of the API with that person's token."""

    def reader(who: str) -> Callable[[str], Any]:
        _, secret = api_token_create(user=world.people[who], name="Tests")

        def get(path: str) -> Any:
            return Client().get("/api/v1" + path, headers={"Authorization": f"Bearer {secret}"})

        return get

    return reader


@pytest.fixture
def crime_store(tmp_path: Path, settings: Any) -> Path:
    """An empty crime store of the test's own."""
    settings.SAFERHUB_DATA_DIR = tmp_path
    return tmp_path / "crime"
