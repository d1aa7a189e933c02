"""Asking for a document and making it. The task worker makes it; each change of state is audited."""

import hashlib
import json
import logging
import os
from functools import partial
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from saferhub.audit.models import AuditVerb
from saferhub.audit.services import audit_event_record
from saferhub.documents.models import ABANDONED_TEXT, ACTIVE_STATUSES, Document, DocumentStatus
from saferhub.documents.registry import DocumentUnavailable, Params, document_kind
from saferhub.documents.selectors import document_file, document_path
from saferhub.partnerships.models import Partnership

logger = logging.getLogger(__name__)

# Shown when a renderer fails for a reason it did not put into words: the error itself goes to the log.
FAILED_TEXT = (
    "Something went wrong while the PDF was being made, so there is no PDF. Try again; if it fails again, "
    "tell the service’s operators, quoting this page’s address."
)
GONE_TEXT = "What this PDF was to be made from has been removed, so there is no PDF."
STARTED_PERCENT = 5  # the bar moves as soon as the worker starts, before the renderer's first report


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _params_key(params: Params) -> str:
    return _sha256(json.dumps(params, sort_keys=True, separators=(",", ":")))


def document_request(*, actor: Any, partnership: Partnership, kind: str, params: Params) -> Document:
    """The document of this kind and parameters as the figures now stand.

    That is the made one while its fingerprint still matches the figures; else the one already queued or
    being made (a second ask queues nothing more); else a new one, queued for the task worker once this
    transaction commits. The caller has checked the person may read the record it is of.
    """
    definition = document_kind(kind)
    if definition is None:
        raise LookupError(f"No document kind {kind!r} is registered")
    params = json.loads(json.dumps(params))  # stored as JSON: refuse anything else here, not in the worker
    key = _params_key(params)
    fingerprint = _sha256(definition.fingerprint(partnership, params))
    same = Document.objects.filter(partnership=partnership, kind=kind, params_key=key)
    made = same.filter(status=DocumentStatus.MADE, fingerprint=fingerprint).first()
    if made is not None and document_file(made) is not None:
        return made
    with transaction.atomic():
        active = same.select_for_update().filter(status__in=ACTIVE_STATUSES).first()
        if active is not None and not active.is_abandoned:
            return active
        if active is not None:
            _document_fail(document=active, error=ABANDONED_TEXT)
        try:
            with transaction.atomic():  # a concurrent ask may queue the same one first
                document = Document.objects.create(
                    partnership=partnership,
                    kind=kind,
                    params=params,
                    params_key=key,
                    fingerprint=fingerprint,
                    requested_by=actor,
                )
        except IntegrityError:
            return same.get(status__in=ACTIVE_STATUSES)
        audit_event_record(actor=actor, verb=AuditVerb.CREATED, target=document, context={"params": params})
        transaction.on_commit(partial(_document_make_enqueue, document_id=str(document.public_id)))
    return document


def _document_make_enqueue(*, document_id: str) -> None:
    from saferhub.documents.tasks import document_make_run  # the task module imports this one

    document_make_run.enqueue(document_id=document_id)


def document_make(*, document_id: str) -> Document | None:
    """Make a queued document: render it through its kind, write the file, then remove the ones it replaces.

    Returns None when it was not queued (a task delivered twice, or a document already tried). A failure is
    logged and marks the document failed, with words for its page; it is not raised.
    """
    claimed = Document.objects.filter(public_id=document_id, status=DocumentStatus.QUEUED).update(
        status=DocumentStatus.MAKING, progress=STARTED_PERCENT, updated_at=timezone.now()
    )
    if not claimed:
        return None
    document = Document.objects.select_related("partnership").get(public_id=document_id)
    definition = document_kind(document.kind)
    if definition is None:
        return _document_fail(document=document, error="This kind of document can no longer be made.")

    def progress(percent: int) -> None:
        percent = min(max(percent, STARTED_PERCENT), 99)  # 100 only once the file is there
        Document.objects.filter(pk=document.pk).update(progress=percent, updated_at=timezone.now())

    try:
        # Taken before the figures are read: a change while it renders makes the next ask make it again.
        fingerprint = _sha256(definition.fingerprint(document.partnership, document.params))
        pdf = definition.render(document.partnership, document.params, progress)
        _file_write(document, pdf)
    except DocumentUnavailable as refusal:
        return _document_fail(document=document, error=str(refusal))
    except Http404:
        return _document_fail(document=document, error=GONE_TEXT)
    except Exception:
        logger.exception("The document %s (%s) could not be made", document.public_id, document.kind)
        return _document_fail(document=document, error=FAILED_TEXT)
    return _document_made(document=document, fingerprint=fingerprint)


def _file_write(document: Document, pdf: bytes) -> None:
    """Written under a temporary name and renamed, so a reader never sees half a file."""
    path = document_path(document)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with temporary.open("wb") as handle:
            handle.write(pdf)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def _document_made(*, document: Document, fingerprint: str) -> Document:
    with transaction.atomic():
        document.status = DocumentStatus.MADE
        document.fingerprint = fingerprint
        document.progress = 100
        document.made_at = timezone.now()
        document.save()
        # The earlier ones of the same kind and parameters (made from older figures, or failed) go.
        replaced = list(
            Document.objects.filter(
                partnership=document.partnership, kind=document.kind, params_key=document.params_key
            )
            .exclude(pk=document.pk)
            .exclude(status__in=ACTIVE_STATUSES)
        )
        Document.objects.filter(pk__in=[old.pk for old in replaced]).delete()
        audit_event_record(
            actor=None,
            verb=AuditVerb.UPDATED,
            target=document,
            context={"status": "made", "replaced": [str(old.public_id) for old in replaced]},
        )
        transaction.on_commit(partial(_files_remove, [document_path(old) for old in replaced]))
    return document


def _files_remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _document_fail(*, document: Document, error: str) -> Document:
    with transaction.atomic():
        document.status = DocumentStatus.FAILED
        document.error = error[:2000]
        document.save()
        audit_event_record(actor=None, verb=AuditVerb.UPDATED, target=document, context={"status": "failed"})
    return document
