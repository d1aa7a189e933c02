"""Making a queued document: render it through its kind, write its file, record it made (or failed).

Below the services and the tasks: the task worker makes each document from here (tasks.py), and the
services queue that task.
"""

import hashlib
import logging
import os
from functools import partial
from pathlib import Path

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from saferhub.audit.models import AuditVerb
from saferhub.audit.services import audit_event_record
from saferhub.documents.models import ACTIVE_STATUSES, Document, DocumentStatus
from saferhub.documents.registry import DocumentUnavailable, document_kind
from saferhub.documents.selectors import document_path

logger = logging.getLogger(__name__)

# Shown when a renderer fails for a reason it did not put into words: the error itself goes to the log.
FAILED_TEXT = (
    "Something went wrong while the PDF was being made, so there is no PDF. Try again; if it fails again, "
    "tell the service’s operators, quoting this page’s address."
)


GONE_TEXT = "What this PDF was to be made from has been removed, so there is no PDF."
STARTED_PERCENT = 5  # the bar moves as soon as the worker starts, before the renderer's first report


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


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
        return document_fail(document=document, error="This kind of document can no longer be made.")

    def progress(percent: int) -> None:
        percent = min(max(percent, STARTED_PERCENT), 99)  # 100 only once the file is there
        Document.objects.filter(pk=document.pk).update(progress=percent, updated_at=timezone.now())

    try:
        # Taken before the figures are read: a change while it renders makes the next ask make it again.
        fingerprint = text_digest(definition.fingerprint(document.partnership, document.params))
        pdf = definition.render(document.partnership, document.params, progress)
        _file_write(document, pdf)
    except DocumentUnavailable as refusal:
        return document_fail(document=document, error=str(refusal))
    except Http404:
        return document_fail(document=document, error=GONE_TEXT)
    except Exception:
        logger.exception("The document %s (%s) could not be made", document.public_id, document.kind)
        return document_fail(document=document, error=FAILED_TEXT)
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


def document_fail(*, document: Document, error: str) -> Document:
    with transaction.atomic():
        document.status = DocumentStatus.FAILED
        document.error = error[:2000]
        document.save()
        audit_event_record(actor=None, verb=AuditVerb.UPDATED, target=document, context={"status": "failed"})
    return document
