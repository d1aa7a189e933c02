"""Writing audit events. Called inside the transaction of the action it records."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from saferhub.audit.models import AuditEvent, AuditVerb
from saferhub.core.actors import Actor


def audit_event_record(
    *,
    actor: Actor | None,
    verb: AuditVerb,
    target: models.Model | None = None,
    partnership: Any = None,
    context: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that `actor` did `verb` to `target` in `partnership`."""
    if isinstance(actor, AnonymousUser):
        actor = None
    if partnership is None and target is not None:
        partnership = getattr(target, "audit_partnership", None)
    target_id = ""
    if target is not None:
        target_id = str(getattr(target, "public_id", None) or target.pk)
    return AuditEvent.objects.create(
        actor=actor,
        verb=verb,
        partnership=partnership,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target_id,
        target_label=str(target)[:300] if target is not None else "",
        context=context or {},
    )


def audit_record_viewed(*, actor: Actor | None, target: models.Model) -> AuditEvent:
    """A person opened a restricted record: the page that shows it calls this."""
    return audit_event_record(actor=actor, verb=AuditVerb.VIEWED, target=target)


def normalised_line_endings(text: str) -> str:
    """Text with every line break as LF: browsers send a text box's line breaks as CRLF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def value_changed(old: Any, new: Any) -> bool:
    """Whether saving `new` over `old` changes anything a person can see: line endings alone do not."""
    if isinstance(old, str) and isinstance(new, str):
        return normalised_line_endings(old) != normalised_line_endings(new)
    return bool(old != new)


def audited_update(*, actor: Actor | None, record: models.Model, values: dict[str, Any]) -> list[str]:
    """Set the given fields, save, and audit which of them changed. Every simple edit service uses it."""
    with transaction.atomic():
        changed = [name for name, value in values.items() if value_changed(getattr(record, name), value)]
        for name in changed:
            setattr(record, name, values[name])
        if changed:
            record.save()
            audit_event_record(
                actor=actor, verb=AuditVerb.UPDATED, target=record, context={"fields": changed}
            )
    return changed


def audited_create[RecordT: models.Model](
    *,
    actor: Actor | None,
    model: type[RecordT],
    values: dict[str, Any],
    context: dict[str, Any] | None = None,
) -> RecordT:
    """Create a record from `values` and audit its creation. Every simple create service uses it."""
    with transaction.atomic():
        record = model._default_manager.create(**values)
        audit_event_record(actor=actor, verb=AuditVerb.CREATED, target=record, context=context)
    return record


def access_refused(*, actor: Actor | None, target: models.Model, permission: str) -> None:
    """Someone who can see a record tried what their role does not allow."""
    audit_event_record(actor=actor, verb=AuditVerb.REFUSED, target=target, context={"permission": permission})
