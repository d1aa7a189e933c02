"""Reading documents: scoped to the partnership, and to what the person may see of the record it is of."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404

from saferhub.documents.models import ABANDONED_TEXT, Document, DocumentStatus
from saferhub.documents.registry import DocumentKind, DocumentSubject, document_kind
from saferhub.partnerships.models import Partnership


def document_in(partnership: Partnership, public_id: Any) -> Document:
    """A document of the partnership; Http404 for another partnership's, or an unknown one."""
    document = Document.objects.filter(partnership=partnership, public_id=public_id).first()
    if document is None:
        raise Http404("No such document")
    return document


def document_kind_of(document: Document) -> DocumentKind:
    kind = document_kind(document.kind)
    if kind is None:  # the app that made it was removed: nobody can be authorised to read it any more
        raise Http404("No such document")
    return kind


def document_subject(user: Any, document: Document) -> DocumentSubject:
    """What the document is of, when this person may read it (its app's check: Http404 or 403, audited)."""
    return document_kind_of(document).subject(user, document.partnership, document.params)


def document_path(document: Document) -> Path:
    """Where the made file lives: derived, never taken from input."""
    folder = Path(settings.SAFERHUB_DATA_DIR) / "documents" / str(document.partnership_id)
    return folder / f"{document.public_id}.pdf"


def document_file(document: Document) -> Path | None:
    """The made file, or None while it is being made, when it failed, or once a newer one replaced it."""
    path = document_path(document)
    return path if document.status == DocumentStatus.MADE and path.is_file() else None


def document_problem(document: Document) -> str | None:
    """Why there is no file to download, in plain words; None while it is being made or once it is."""
    if document.is_abandoned:
        return ABANDONED_TEXT
    if document.status == DocumentStatus.FAILED:
        return document.error
    if document.status == DocumentStatus.MADE and document_file(document) is None:
        return "This PDF is no longer kept. Make it again from the figures as they stand now."
    return None
