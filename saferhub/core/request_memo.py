"""Answers worked out once per request: who may see and do what is asked several times by one page
(the view, its template, its navigation), and each asking costs the same database queries.

Only a GET or HEAD request keeps a memo: it changes no memberships, so an answer cannot go stale within
it. Outside a request (commands, the task worker, a test calling a selector) nothing is kept.
"""

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_memo: ContextVar[dict[Hashable, object] | None] = ContextVar("saferhub_request_memo", default=None)


@contextmanager
def request_memo_kept() -> Iterator[None]:
    """Keeps answers for the duration of one safe request."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def memoised[T](key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, worked out once per request for this key (every time outside a safe request)."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[return-value]
