"""A fake kind of document for the tests: a one-line "PDF" of the figures a test sets, for managers only."""

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from saferhub.documents.registry import DocumentKind, DocumentSubject, Params, ProgressCallback
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.permissions import require_permission


@dataclass
class Figures:
    """What the fake document is made from; a test changes them, or makes the next render fail."""

    version: int = 1
    fail_with: Exception | None = None
    progress_seen: list[int] = field(default_factory=list)


def note_kind(name: str, figures: Figures) -> DocumentKind:
    def subject(user: Any, partnership: Partnership, params: Params) -> DocumentSubject:
        require_permission(user, "partnerships.manage_partnership", partnership)
        return DocumentSubject(
            record=partnership,
            title=f"{params['title']} (PDF)",
            filename=f"{params['title'].lower()}.pdf",
            back_url=reverse("partnerships:partnership", args=[partnership.slug]),
            back_text=partnership.name,
        )

    def fingerprint(partnership: Partnership, params: Params) -> str:
        return f"{partnership.pk}:{figures.version}"

    def render(partnership: Partnership, params: Params, progress: ProgressCallback) -> bytes:
        progress(50)
        figures.progress_seen.append(50)
        if figures.fail_with is not None:
            raise figures.fail_with
        return f"%PDF-1.7 {params['title']} of {partnership.name}, figures version {figures.version}".encode()

    return DocumentKind(name=name, subject=subject, fingerprint=fingerprint, render=render)
