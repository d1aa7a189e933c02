"""A victim's risk and vulnerability: assessing it, and one assessment as it was scored. Only for a person who
sees the case's risk data (its lead organisation's, or a partner's whose agreements share it): to anyone
else these pages do not exist."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from saferhub.accounts.requests import SignedInRequest
from saferhub.asb.access import CaseAccess
from saferhub.asb.forms.risk import RiskAssessmentForm
from saferhub.asb.models import Case, CaseParty
from saferhub.asb.risk import Matrix, scored
from saferhub.asb.selectors import case_with_access
from saferhub.asb.selectors import risk as risk_selectors
from saferhub.asb.services.risk import risk_assess
from saferhub.asb.workflows import CaseRefused
from saferhub.audit.services import audit_record_viewed
from saferhub.design_system.views import form_page, posted
from saferhub.governance.models import DataItem
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.permissions import require_permission
from saferhub.partnerships.selectors import partnership_for

WORK = "asb.work_case"


def _case_with_risk(
    request: SignedInRequest, slug: str, case_id: UUID
) -> tuple[Partnership, Case, CaseAccess]:
    """The case, when the person sees its risk data; 404 otherwise, as for a case they do not see."""
    partnership = partnership_for(request.user, slug)
    case, access = case_with_access(request.user, partnership, case_id)
    if not access.sees(DataItem.RISK):
        raise Http404
    require_permission(request.user, WORK, case)
    return partnership, case, access


def _victim_name(access: CaseAccess, victim: CaseParty) -> str:
    """The victim's name, to a person whose agreements share victims' details; otherwise not."""
    return victim.party.name if access.sees(DataItem.VICTIMS) else "the victim"


def _breadcrumbs(partnership: Partnership, case: Case) -> list[dict[str, str]]:
    return [
        {"text": partnership.name, "href": reverse("partnerships:partnership", args=[partnership.slug])},
        {"text": "ASB cases", "href": reverse("asb:cases", args=[partnership.slug])},
        {"text": case.reference, "href": reverse("asb:case", args=[partnership.slug, case.public_id])},
    ]


@login_required
def risk_new(request: SignedInRequest, slug: str, case_id: UUID, case_party_id: UUID) -> HttpResponse:
    partnership, case, access = _case_with_risk(request, slug, case_id)
    victim = risk_selectors.victim_on_case(case, case_party_id)
    form = RiskAssessmentForm(
        posted(request),
        matrix=risk_selectors.matrix_of(partnership),
        flagged_for=case.flagged_for,
        opened_on=case.opened_on,
        today=timezone.localdate(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = risk_assess(
                actor=request.user,
                case=case,
                victim=victim,
                answers=form.cleaned_data["answers"],
                assessed_on=form.cleaned_data["assessed_on"],
                notes=form.cleaned_data["notes"],
                flag=form.chosen_flag(),
            )
        except CaseRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, f"{assessment.get_level_display()} risk recorded, scoring {assessment.score}"
            )
            return redirect(
                "asb:risk", slug=slug, case_id=case.public_id, risk_assessment_id=assessment.public_id
            )
    audit_record_viewed(actor=request.user, target=victim)
    return form_page(
        request,
        form,
        title=f"Risk and vulnerability of {_victim_name(access, victim)}",
        caption=f"Case {case.reference}",
        intro="Ask the victim each question. The answers are scored against the partnership's risk matrix.",
        submit_text="Record the assessment",
        cancel_url=reverse("asb:case", args=[slug, case.public_id]),
        partnership=partnership,
        breadcrumbs=_breadcrumbs(partnership, case),
    )


@login_required
def risk_page(request: SignedInRequest, slug: str, case_id: UUID, risk_assessment_id: UUID) -> HttpResponse:
    partnership, case, access = _case_with_risk(request, slug, case_id)
    assessment = risk_selectors.risk_assessment_on_case(case, risk_assessment_id)
    audit_record_viewed(actor=request.user, target=assessment)
    matrix = Matrix.from_json(assessment.matrix)
    answered = set(assessment.answers)
    return render(
        request,
        "asb/risk/assessment.html",
        {
            "partnership": partnership,
            "case": case,
            "assessment": assessment,
            "victim_name": _victim_name(access, assessment.victim),
            "matrix": matrix,
            "rows": [(question, question.key in answered) for question in matrix.questions],
            "made_high_by": scored(matrix, answered).made_high_by,
            "breadcrumbs": _breadcrumbs(partnership, case),
        },
    )
