"""The assessment's figures, kept between requests: they are derived only from the crime store and the
definitions (indicators, the assessment's settings), so each is cached under a key of the store's version
and those definitions. A new import changes the store's version, and with it every key: nothing is ever
served from a store that has changed, and nothing needs deleting."""

import hashlib
from collections.abc import Callable, Hashable

from django.core.cache import cache

from saferhub.crimedata.selectors import store_version

# Kept until evicted: a key names the exact store and definitions its figures come from.
KEPT_FOR: int | None = None


def cached_figures[T](kind: str, definitions: Hashable, compute: Callable[[], T]) -> T:
    """The figures of this kind for these definitions in the store as it now is, computed once."""
    digest = hashlib.sha256(repr((store_version(), definitions)).encode()).hexdigest()
    key = f"assessment:{kind}:{digest}"
    found: T | None = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=KEPT_FOR)
    return found
