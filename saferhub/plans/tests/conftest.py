"""A's plan and its priority "Business Crime" (led by A's theme lead), from the root conftest's world."""

import pytest


@pytest.fixture
def plan(world):
    return world.records["a"]["plan"]


@pytest.fixture
def priority(world):
    return world.records["a"]["priority"]
