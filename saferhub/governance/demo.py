"""Stub: being built."""

from saferhub.core.registry import DemoRun


def demo_load(run: DemoRun) -> None:
    return None
