"""Helpers the apps' tests share: the audit events a change wrote, and the queries a page reads. (Signing in
as one of the world's people is the root conftest's `sign_in` fixture.)"""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from saferhub.audit.models import AuditEvent


def last_event_id() -> int:
    """Where the audit trail ends now: pass it to `the_one_new_event` after the change."""
    latest = AuditEvent.objects.order_by("-id").first()
    return latest.id if latest else 0


def the_one_new_event(before_id: int) -> AuditEvent:
    """The single audit row written since `before_id`; fails if there is not exactly one."""
    rows = list(AuditEvent.objects.filter(id__gt=before_id))
    assert len(rows) == 1, [(row.verb, row.target_label) for row in rows]
    return rows[0]


def assert_event(
    event: AuditEvent, *, verb: str, actor: Any, partnership: Any, target: Any, context: Any = None
) -> None:
    """The event says who did what to which record, in which partnership (and, if given, its context)."""
    assert (event.verb, event.actor, event.partnership) == (verb, actor, partnership)
    assert event.target_type == ContentType.objects.get_for_model(target)
    assert event.target_id == str(getattr(target, "public_id", None) or target.pk)
    assert event.target_label == str(target)[:300]
    if context is not None:
        assert event.context == context


def queries_for(client: Client, url: str) -> int:
    """How many queries the page reads, asked for a second time: the first request fills the caches (content
    types, the session) that every later one finds full."""
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)
