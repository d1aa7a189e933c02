"""The letters and notices of the incremental approach: one step's letter as a printable page and as a
tagged PDF (each view audited, as a perpetrator's details are), and the managers' pages of the partnership's
own wording. A step that sends no letter (prosecution, injunction, CBO, closure order) has none: 404.
"""

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify

from saferhub.accounts.requests import SignedInRequest
from saferhub.asb.forms.letters import LetterTemplateForm
from saferhub.asb.letters import LETTER_STAGES, Letter, letter_of, template_wording
from saferhub.asb.models import Stage
from saferhub.asb.selectors import steps as step_records
from saferhub.asb.services.letters import letter_template_save
from saferhub.asb.workflows import CaseRefused
from saferhub.audit.models import AuditVerb
from saferhub.audit.services import audit_event_record
from saferhub.design_system.pdf import pdf_from_html
from saferhub.design_system.views import form_page, posted
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.permissions import partnership_for_action, require_permission
from saferhub.partnerships.selectors import partnership_for

MANAGE = "asb.manage"


def _letter(
    request: SignedInRequest, slug: str, case_id: UUID, intervention_id: UUID, *, form: str
) -> Letter:
    """The step's letter, for someone who works the case and sees its enforcement; the view is audited."""
    partnership = partnership_for(request.user, slug)
    intervention = step_records.intervention_for(request.user, partnership, case_id, intervention_id)
    require_permission(request.user, "asb.work_case", intervention.case_party)
    if intervention.kind not in LETTER_STAGES:
        raise Http404("That step sends no letter")
    audit_event_record(
        actor=request.user, verb=AuditVerb.VIEWED, target=intervention, context={"letter": form}
    )
    return letter_of(intervention, step_records.letter_template_of(partnership, intervention.kind))


def _letter_context(letter: Letter) -> dict[str, object]:
    case = letter.intervention.case_party.case
    return {"letter": letter, "case": case, "partnership": case.partnership}


@login_required
def letter(request: SignedInRequest, slug: str, case_id: UUID, intervention_id: UUID) -> HttpResponse:
    found = _letter(request, slug, case_id, intervention_id, form="page")
    context = _letter_context(found)
    case = found.intervention.case_party.case
    steps_url = reverse("asb:step-new", args=[slug, case.public_id, found.intervention.case_party.public_id])
    return render(
        request,
        "asb/letters/letter.html",
        {
            **context,
            "pdf_url": reverse("asb:letter-pdf", args=[slug, case.public_id, found.intervention.public_id]),
            "breadcrumbs": [
                {"text": case.partnership.name, "href": reverse("partnerships:partnership", args=[slug])},
                {"text": case.reference, "href": reverse("asb:case", args=[slug, case.public_id])},
                {"text": f"Steps with {found.intervention.case_party.party.name}", "href": steps_url},
            ],
        },
    )


@login_required
def letter_pdf(request: SignedInRequest, slug: str, case_id: UUID, intervention_id: UUID) -> HttpResponse:
    found = _letter(request, slug, case_id, intervention_id, form="pdf")
    html = render_to_string("asb/letters/letter_print.html", _letter_context(found))
    response = HttpResponse(
        pdf_from_html(html, base_url=settings.SAFERHUB_BASE_URL), content_type="application/pdf"
    )
    intervention = found.intervention
    name = slugify(f"{intervention.case_party.case.reference} {intervention.kind} {intervention.issued_on}")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


def _templates_url(partnership: Partnership) -> str:
    return reverse("asb:letter-templates", args=[partnership.slug])


@login_required
def templates(request: SignedInRequest, slug: str) -> HttpResponse:
    """Each step that sends a letter, with the partnership's own wording or the shipped default."""
    partnership = partnership_for_action(request.user, slug, MANAGE)
    own = step_records.letter_templates_of(partnership)
    rows = [
        {
            "stage": stage,
            "label": Stage(stage).label,
            "title": template_wording(own, stage)[0],
            "own": stage in own,
        }
        for stage in LETTER_STAGES
    ]
    return render(
        request,
        "asb/letters/templates.html",
        {
            "partnership": partnership,
            "rows": rows,
            "breadcrumbs": [
                {"text": partnership.name, "href": reverse("partnerships:partnership", args=[slug])},
            ],
        },
    )


@login_required
def template_edit(request: SignedInRequest, slug: str) -> HttpResponse:
    """The wording of one step's letter (?stage=cpw); without a stage that sends a letter, the list."""
    partnership = partnership_for_action(request.user, slug, MANAGE)
    stage = (request.POST if request.method == "POST" else request.GET).get("stage", "")
    if request.method == "GET" and stage not in LETTER_STAGES:
        return redirect(_templates_url(partnership))
    title, body = (
        template_wording(step_records.letter_templates_of(partnership), stage)
        if stage in LETTER_STAGES
        else ("", "")
    )
    form = LetterTemplateForm(posted(request), initial={"stage": stage, "title": title, "body": body})
    if request.method == "POST" and form.is_valid():
        try:
            letter_template_save(actor=request.user, partnership=partnership, **form.cleaned_data)
        except CaseRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"The {Stage(stage).label} letter is saved")
            return redirect(_templates_url(partnership))
    return form_page(
        request,
        form,
        title=f"Wording of the {Stage(stage).label} letter"
        if stage in LETTER_STAGES
        else "Wording of a letter",
        caption=partnership.name,
        submit_text="Save the wording",
        cancel_url=_templates_url(partnership),
        partnership=partnership,
        breadcrumbs=[
            {"text": partnership.name, "href": reverse("partnerships:partnership", args=[slug])},
            {"text": "Letters", "href": _templates_url(partnership)},
        ],
    )
