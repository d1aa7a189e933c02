"""Asking for a document: the one made, the one on its way, or a new one queued for the task worker,
which makes it (making.py). Each change of state is audited."""

import json
from functools import partial

from django.db import IntegrityError, transaction

from saferhub.accounts.models import User
from saferhub.audit.models import AuditVerb
from saferhub.audit.services import audit_event_record
from saferhub.documents.making import document_fail, text_digest
from saferhub.documents.models import ABANDONED_TEXT, ACTIVE_STATUSES, Document, DocumentStatus
from saferhub.documents.registry import Params, document_kind
from saferhub.documents.selectors import document_file
from saferhub.documents.tasks import document_make_run
from saferhub.partnerships.models import Partnership


def _params_key(params: Params) -> str:
    return text_digest(json.dumps(params, sort_keys=True, separators=(",", ":")))


def document_request(*, actor: User | None, partnership: Partnership, kind: str, params: Params) -> Document:
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
    fingerprint = text_digest(definition.fingerprint(partnership, params))
    same = Document.objects.filter(partnership=partnership, kind=kind, params_key=key)
    made = same.filter(status=DocumentStatus.MADE, fingerprint=fingerprint).first()
    if made is not None and document_file(made) is not None:
        return made
    with transaction.atomic():
        active = same.select_for_update().filter(status__in=ACTIVE_STATUSES).first()
        if active is not None and not active.is_abandoned:
            return active
        if active is not None:
            document_fail(document=active, error=ABANDONED_TEXT)
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
    document_make_run.enqueue(document_id=document_id)
