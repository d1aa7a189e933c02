"""The kinds of document the task worker makes, each declared by the app that owns its figures.

An app declares its kinds in its own `documents.py` module (found when the documents app is ready):

    document_kind_register(DocumentKind(name="board-pack", subject=..., fingerprint=..., render=...))

The documents app knows nothing of the apps that register: it stores, queues, shows progress and serves.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

from saferhub.partnerships.models import Partnership

# A document's parameters, as JSON: which record, which version ("public"), never objects.
Params = dict[str, Any]
ProgressCallback = Callable[[int], None]


class DocumentUnavailable(Exception):
    """A renderer's refusal in plain words, shown as is on the document's page (e.g. "It has no areas")."""


@dataclass(frozen=True)
class DocumentSubject:
    """What a document is of, as one person may see it."""

    record: models.Model  # a download is audited as a view of this record
    title: str  # the page's heading, e.g. "2023/24 strategic assessment report (PDF)"
    filename: str  # what the download is called, e.g. "leicester-2023-24-full.pdf"
    back_url: str  # the page the document was asked for from
    back_text: str  # that page's name, for the breadcrumb and the link back to it ("Board pack 2025/26 Q2")


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document and the three functions its owning app supplies."""

    name: str  # stored on each document, e.g. "assessment-report"
    # The record the document is of, for this person: Http404 when they cannot see it, PermissionDenied
    # (through require_permission, so audited) when their role may not read it.
    subject: Callable[[Any, Partnership, Params], DocumentSubject]
    # Any text that changes whenever the document's figures would: the made document is kept until it does.
    fingerprint: Callable[[Partnership, Params], str]
    # The PDF's bytes; it may report its progress (per cent) as it goes, and raise DocumentUnavailable.
    render: Callable[[Partnership, Params, ProgressCallback], bytes]


# name -> kind; filled by the owning apps' `documents.py` modules.
KINDS: dict[str, DocumentKind] = {}


def _origin(kind: DocumentKind) -> tuple[str, ...]:
    functions = (kind.subject, kind.fingerprint, kind.render)
    return tuple(f"{function.__module__}.{function.__qualname__}" for function in functions)


def document_kind_register(kind: DocumentKind) -> DocumentKind:
    """Declare a kind of document. Two declarations may not claim one name (one module imported twice may)."""
    existing = KINDS.get(kind.name)
    if existing is not None and _origin(existing) != _origin(kind):
        raise ValueError(f"The document kind {kind.name!r} is already registered")
    KINDS[kind.name] = kind
    return kind


def document_kind(name: str) -> DocumentKind | None:
    """The registered kind of that name, or None (its app was removed since the document was asked for)."""
    return KINDS.get(name)
