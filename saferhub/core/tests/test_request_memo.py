"""A page asks who may see and do what several times; each answer costs its queries once per request."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from saferhub.core.request_memo import memoised, request_memo_kept
from saferhub.partnerships.models import Membership, Role
from saferhub.partnerships.selectors import roles_in


def _role_queries(queries: list[dict]) -> list[str]:
    """The reads of the person's own memberships (their roles, what they may see, two-factor)."""
    return [
        q["sql"]
        for q in queries
        if 'FROM "partnerships_membership"' in q["sql"]
        and '"partnerships_membership"."user_id" =' in q["sql"]
    ]


def test_a_page_asks_for_a_persons_roles_once(client, world):
    client.force_login(world.people["partnership_manager"])
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/p/alpha/plans/").status_code == 200
    assert len(_role_queries(captured.captured_queries)) == 1


def test_a_post_asks_afresh_each_time_as_memberships_may_change_within_it(world):
    manager, alpha = world.people["partnership_manager"], world.a
    assert Role.PARTNERSHIP_MANAGER in roles_in(manager, alpha)
    Membership.objects.filter(user=manager, partnership=alpha).delete()
    assert roles_in(manager, alpha) == set()  # outside a request nothing is kept


def test_within_a_request_an_answer_is_kept_and_then_forgotten():
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    with request_memo_kept():
        assert memoised("k", compute) == 1
        assert memoised("k", compute) == 1
    assert memoised("k", compute) == 2
    assert memoised("k", compute) == 3
