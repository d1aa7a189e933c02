"""Stub: being built."""

from ninja import Router

router = Router(tags=["Anti-social behaviour"])
