"""A document's page (its progress, then its download), the progress as JSON, the download and trying again.

Who may see a document is decided by the app whose record it is of (its kind's `subject`), on every request.
"""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from saferhub.accounts.requests import SignedInRequest
from saferhub.audit.models import AuditVerb
from saferhub.audit.services import audit_event_record
from saferhub.documents import selectors, services
from saferhub.documents.models import Document
from saferhub.documents.registry import DocumentSubject
from saferhub.partnerships.selectors import partnership_for


def _document(request: HttpRequest, slug: str, document_id: UUID) -> tuple[Document, DocumentSubject]:
    partnership = partnership_for(request.user, slug)  # 404 when not visible
    document = selectors.document_in(partnership, document_id)  # 404 for another partnership's
    return document, selectors.document_subject(request.user, document)  # the owning app's 404 or 403


@login_required
def document_detail(request: HttpRequest, slug: str, document_id: UUID) -> HttpResponse:
    document, subject = _document(request, slug, document_id)
    return render(
        request,
        "documents/document.html",
        {
            "partnership": document.partnership,
            "document": document,
            "subject": subject,
            "is_ready": selectors.document_file(document) is not None,
            "problem": selectors.document_problem(document),
        },
    )


@login_required
def document_progress(request: HttpRequest, slug: str, document_id: UUID) -> JsonResponse:
    """How far the document has got, for its page's script to show without reloading."""
    document, _ = _document(request, slug, document_id)
    return JsonResponse(
        {"status": document.status, "progress": document.progress, "active": document.is_active}
    )


@login_required
def document_download(request: HttpRequest, slug: str, document_id: UUID) -> HttpResponseBase:
    document, subject = _document(request, slug, document_id)
    path = selectors.document_file(document)
    try:
        file = path.open("rb") if path is not None else None
    except FileNotFoundError:  # replaced by a newer one a moment ago
        file = None
    if file is None:  # not made yet, failed, or replaced: its page says which
        return redirect("documents:document", slug=slug, document_id=document_id)
    audit_event_record(
        actor=request.user,
        verb=AuditVerb.VIEWED,
        target=subject.record,
        context={"document": str(document.public_id), "kind": document.kind, "downloaded": subject.filename},
    )
    return FileResponse(file, as_attachment=True, filename=subject.filename, content_type="application/pdf")


@login_required
def document_retry(request: SignedInRequest, slug: str, document_id: UUID) -> HttpResponse:
    """POST asks for the document again, as the figures now stand; GET changes nothing and goes back to it."""
    document, _ = _document(request, slug, document_id)
    if request.method != "POST" or document.is_active:
        return redirect("documents:document", slug=slug, document_id=document_id)
    again = services.document_request(
        actor=request.user, partnership=document.partnership, kind=document.kind, params=document.params
    )
    return redirect("documents:document", slug=slug, document_id=again.public_id)
