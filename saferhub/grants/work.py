"""What funding asks of a person on "My work".

- An assessor: the applications being scored in their rounds that they have neither scored on every
  criterion nor declared a conflict with.
- An applicant: their organisations' offers waiting for an answer, and project reports to send (or returned
  to them for changes).
- A partnership's managers: applications to check for eligibility, moderated applications to decide, and
  project reports submitted and waiting for their decision.
"""

import datetime as dt
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from saferhub.core.registry import WorkItem
from saferhub.grants.models import (
    Application,
    ApplicationStatus,
    Award,
    AwardStatus,
    Criterion,
    ProjectReturn,
)
from saferhub.grants.selectors import organisations_applying_as
from saferhub.partnerships.models import MANAGING_ROLES
from saferhub.partnerships.selectors import memberships_of
from saferhub.reporting.models import EDITABLE_STATUSES, ReturnStatus

APPLICATIONS = "Funding applications"
PROJECTS = "Funded projects"

# What a manager does next with an application in each state, on its review page.
MANAGER_STEPS = {
    ApplicationStatus.SUBMITTED: "Check whether this application is eligible",
    ApplicationStatus.MODERATED: "Decide this application",
}


def _review_item(application: Application, *, label: str) -> WorkItem:
    partnership = application.grant_round.fund.partnership
    return WorkItem(
        section=APPLICATIONS,
        label=f"{label}: {application.title}",
        url=reverse("grants:review", args=[partnership.slug, application.public_id]),
        partnership=partnership.name,
        detail=f"{application.organisation.name}, {application.grant_round.title}",
    )


def _to_score(user: Any) -> list[WorkItem]:
    criteria = (
        Criterion.objects.filter(grant_round_id=OuterRef("grant_round_id"))
        .values("grant_round_id")
        .annotate(number=Count("pk"))
        .values("number")
    )
    applications = (
        Application.objects.filter(grant_round__assessors=user.pk, status=ApplicationStatus.ELIGIBLE)
        .exclude(conflicts__assessor_id=user.pk)
        .annotate(
            scored=Count("scores", filter=Q(scores__assessor_id=user.pk)),
            criteria=Coalesce(Subquery(criteria, output_field=IntegerField()), 0),
        )
        .filter(scored__lt=F("criteria"))
        .select_related("grant_round__fund__partnership", "organisation")
    )
    return [
        _review_item(application, label="Score, or declare a conflict of interest")
        for application in applications
    ]


def _to_manage(managing: set[int]) -> list[WorkItem]:
    applications = Application.objects.filter(
        grant_round__fund__partnership_id__in=managing, status__in=MANAGER_STEPS
    ).select_related("grant_round__fund__partnership", "organisation")
    return [
        _review_item(application, label=MANAGER_STEPS[ApplicationStatus(application.status)])
        for application in applications
    ]


def _report_item(project_return: ProjectReturn, *, label: str, url: str, detail: str) -> WorkItem:
    return WorkItem(
        section=PROJECTS,
        label=f"{label}: {project_return.award.application.title}",
        url=url,
        due_on=project_return.reporting_round.due_on if project_return.is_editable else None,
        partnership=project_return.reporting_round.fund.partnership.name,
        detail=detail,
    )


def _reports(user: Any, managing: set[int]) -> list[WorkItem]:
    reports = ProjectReturn.objects.select_related("reporting_round__fund__partnership", "award__application")
    owed = reports.filter(
        award__application__organisation_id__in=organisations_applying_as(user),
        status__in=EDITABLE_STATUSES,
    )
    to_decide = reports.filter(
        reporting_round__fund__partnership_id__in=managing, status=ReturnStatus.SUBMITTED
    )
    return [
        *(
            _report_item(
                report,
                label=f"Send the {report.reporting_round.label} project report",
                url=reverse("grants:my-report", args=[report.public_id]),
                detail=report.get_status_display(),
            )
            for report in owed
        ),
        *(
            _report_item(
                report,
                label=f"Decide the {report.reporting_round.label} project report",
                url=reverse(
                    "grants:report", args=[report.reporting_round.fund.partnership.slug, report.public_id]
                ),
                detail="Submitted, waiting for a decision",
            )
            for report in to_decide
        ),
    ]


def _offers(user: Any) -> list[WorkItem]:
    offers = Award.objects.filter(
        application__organisation_id__in=organisations_applying_as(user), status=AwardStatus.OFFERED
    ).select_related("application__grant_round__fund__partnership")
    return [
        WorkItem(
            section=PROJECTS,
            label=f"Accept or decline the offer of funding: {award.application.title}",
            url=reverse("grants:my-award", args=[award.public_id]),
            due_on=award.respond_by,
            partnership=award.application.grant_round.fund.partnership.name,
            detail="The offer lapses unless accepted by its date",
        )
        for award in offers
    ]


def work_for(user: Any, today: dt.date) -> list[WorkItem]:
    managing = set(
        memberships_of(user).filter(role__in=MANAGING_ROLES).values_list("partnership_id", flat=True)
    )
    return [*_to_score(user), *_to_manage(managing), *_reports(user, managing), *_offers(user)]
