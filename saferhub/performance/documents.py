"""Performance's documents: a board pack as a PDF, made by the task worker (see docs/documents.md).
Declared here; the documents app finds this module when it is ready."""

import hashlib
import json
from typing import Any

from django.http import Http404
from django.urls import reverse

from saferhub.documents.registry import (
    DocumentKind,
    DocumentSubject,
    Params,
    ProgressCallback,
    document_kind_register,
)
from saferhub.partnerships.models import Partnership
from saferhub.performance import selectors
from saferhub.performance.board_pack import board_pack_pdf
from saferhub.performance.models import BoardPack

BOARD_PACK_PDF = "board-pack"


def board_pack_pdf_params(pack: BoardPack) -> Params:
    return {"pack": str(pack.public_id)}


def _pack_of(partnership: Partnership, params: Params) -> BoardPack:
    """For the worker, which has no person: the partnership's pack, published or not (`_subject` decides who
    reads it)."""
    pack = (
        BoardPack.objects.select_related("reporting_round")
        .filter(reporting_round__partnership=partnership, public_id=params["pack"])
        .first()
    )
    if pack is None:
        raise Http404("No such board pack")
    return pack


def _subject(user: Any, partnership: Partnership, params: Params) -> DocumentSubject:
    pack = selectors.pack_in(user, partnership, params["pack"])  # 404: another's, or unpublished to the board
    label = pack.reporting_round.label
    return DocumentSubject(
        record=pack,
        title=f"Board pack {label} (PDF)",
        filename=f"board-pack-{partnership.slug}-{label.replace('/', '-').replace(' ', '-')}.pdf",
        back_url=reverse("performance:pack", args=[partnership.slug, pack.public_id]),
        back_text=f"Board pack {label}",
    )


def _fingerprint(partnership: Partnership, params: Params) -> str:
    """A pack is a snapshot: its figures change only when it is generated again."""
    pack = _pack_of(partnership, params)
    snapshot = json.dumps(pack.snapshot, sort_keys=True, default=str)
    return f"{pack.generated_at.isoformat()}:{hashlib.sha256(snapshot.encode()).hexdigest()}"


def _render(partnership: Partnership, params: Params, progress: ProgressCallback) -> bytes:
    return board_pack_pdf(partnership, _pack_of(partnership, params), on_progress=progress)


document_kind_register(
    DocumentKind(name=BOARD_PACK_PDF, subject=_subject, fingerprint=_fingerprint, render=_render)
)
