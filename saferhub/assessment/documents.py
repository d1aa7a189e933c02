"""The assessment's documents: its report as a PDF, full or public, made by the task worker (see
docs/documents.md). Declared here; the documents app finds this module when it is ready."""

import json
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.urls import reverse
from django.utils.text import slugify

from saferhub.assessment import selectors
from saferhub.assessment.models import AgreedScore, Assessment, ChosenPriority, Issue, Score
from saferhub.assessment.report import assessment_report_pdf
from saferhub.core.actors import Actor
from saferhub.crimedata.counting import UnknownArea
from saferhub.crimedata.selectors import indicators_among, store_version
from saferhub.documents.registry import (
    DocumentKind,
    DocumentSubject,
    DocumentUnavailable,
    Params,
    ProgressCallback,
    document_kind_register,
)
from saferhub.geography.selectors import areas_held
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.permissions import require_permission
from saferhub.plans import selectors as plans

REPORT_PDF = "assessment-report"


def report_pdf_params(assessment: Assessment, *, public: bool) -> Params:
    return {"assessment": str(assessment.public_id), "public": public}


def _assessment_of(partnership: Partnership, params: Params) -> Assessment:
    return selectors.assessment_in(partnership, params["assessment"])  # 404 for another partnership's


def _version(params: Params) -> str:
    return "public" if params["public"] else "full"


def _subject(user: Actor, partnership: Partnership, params: Params) -> DocumentSubject:
    assessment = _assessment_of(partnership, params)
    require_permission(user, "assessment.view_assessment", assessment)
    report_url = reverse("assessment:report", args=[partnership.slug, assessment.public_id])
    return DocumentSubject(
        record=assessment,
        title=f"{assessment.title}: the {_version(params)} report (PDF)",
        filename=slugify(f"{partnership.slug}-{assessment.label}-{_version(params)}") + ".pdf",
        back_url=report_url + ("?version=public" if params["public"] else ""),
        back_text=assessment.title,
    )


def _latest(records: QuerySet[Any]) -> str:
    """How many, and the last change: an edit, an addition or a removal changes it."""
    state = records.aggregate(count=Count("pk"), last=Max("updated_at"))
    return f"{state['count']}@{state['last']}"


def _fingerprint(partnership: Partnership, params: Params) -> str:
    """What the report is made from: the assessment and what people decided in it, the indicators'
    definitions, the crime store, the populations of the areas, and the scoring model in force."""
    assessment = _assessment_of(partnership, params)
    chosen = ChosenPriority.objects.filter(assessment=assessment)
    indicators = indicators_among(
        assessment.assessed.values("indicator"), assessment.issues.values("indicator")
    )
    return json.dumps(
        [
            str(assessment.updated_at),
            str(partnership.updated_at),
            assessment.scoring,
            list(assessment.assessed.values_list("indicator_id", "position")),
            _latest(indicators),
            _latest(Issue.objects.filter(assessment=assessment)),
            _latest(Score.objects.filter(issue__assessment=assessment)),
            _latest(AgreedScore.objects.filter(issue__assessment=assessment)),
            _latest(chosen),
            _latest(plans.priorities_from_choices(chosen)),
            _latest(plans.plans_from_choices(chosen)),
            store_version(),  # every import (or restore) of the crime store changes it
            list(areas_held()),
        ],
        sort_keys=True,
        default=str,
    )


def _render(partnership: Partnership, params: Params, progress: ProgressCallback) -> bytes:
    assessment = _assessment_of(partnership, params)
    try:
        return assessment_report_pdf(assessment, public=params["public"], on_progress=progress)
    except UnknownArea as problem:  # the partnership has no areas to count in: the page says so
        raise DocumentUnavailable(str(problem)) from problem


document_kind_register(
    DocumentKind(name=REPORT_PDF, subject=_subject, fingerprint=_fingerprint, render=_render)
)
