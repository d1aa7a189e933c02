"""Reading victims' risk assessments: within a case the person already sees (selectors.case_with_access),
so a record of another case, or a party who is not a victim on it, is a 404. And the cases whose first
assessment or review is overdue, for the work list."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.db import models
from django.http import Http404

from saferhub.asb.models import AsbSettings, Case, CaseParty, CaseStatus, PartyRole, RiskAssessment
from saferhub.asb.risk import Matrix, matrix_in_force
from saferhub.asb.selectors import settings_of
from saferhub.partnerships.models import Partnership


def matrix_of(partnership: Partnership) -> Matrix:
    """The questions and thresholds the partnership scores its victims' risk against now."""
    return matrix_in_force(settings_of(partnership).risk_matrix)


def victim_on_case(case: Case, public_id: UUID) -> CaseParty:
    """A victim on the case; 404 for anyone else on it (a perpetrator's risk is not assessed here)."""
    victim = (
        CaseParty.objects.filter(case=case, public_id=public_id, role=PartyRole.VICTIM)
        .select_related("party")
        .first()
    )
    if victim is None:
        raise Http404
    return victim


def risk_assessment_on_case(case: Case, public_id: UUID) -> RiskAssessment:
    found = (
        RiskAssessment.objects.filter(case=case, public_id=public_id)
        .select_related("victim__party", "assessed_by")
        .first()
    )
    if found is None:
        raise Http404
    return found


def risk_assessments_of(case: Case) -> models.QuerySet[RiskAssessment]:
    """The case's assessments, newest first, with their victims."""
    return RiskAssessment.objects.filter(case=case).select_related("victim__party", "assessed_by")


def _first_assessment_late(partnership_ids: set[int], today: dt.date) -> models.Q:
    """Cases opened longer ago than their partnership's days for a first assessment (its own setting, or the
    default where it has none)."""
    default_days = AsbSettings().risk_assessment_within_days
    days_of = dict(
        AsbSettings.objects.filter(partnership_id__in=partnership_ids).values_list(
            "partnership_id", "risk_assessment_within_days"
        )
    )
    late = models.Q(pk__in=[])
    for partnership_id in partnership_ids:
        days = days_of.get(partnership_id, default_days)
        late |= models.Q(partnership_id=partnership_id, opened_on__lt=today - dt.timedelta(days=days))
    return late


def risk_assessments_overdue(
    *, partnership: Partnership | None = None, user: Any = None, today: dt.date
) -> models.QuerySet[Case]:
    """Open cases whose victims' risk assessment is overdue: none yet, and the days for the first one after
    the case opened have passed (due on opened_on + risk_assessment_within_days, overdue the day after); or
    the review due on `risk_review_due_on` has passed. Of one partnership, of the cases `user` leads (as
    lead officer), or both; oldest due first."""
    cases = Case.objects.filter(status=CaseStatus.OPEN)
    if partnership is not None:
        cases = cases.filter(partnership=partnership)
    if user is not None:
        cases = cases.filter(lead_officer_id=user.pk)
    unassessed = cases.exclude(models.Exists(RiskAssessment.objects.filter(case=models.OuterRef("pk"))))
    partnership_ids = set(unassessed.values_list("partnership_id", flat=True).distinct())
    never_assessed = models.Q(pk__in=unassessed.values("pk")) & _first_assessment_late(partnership_ids, today)
    review_late = models.Q(risk_review_due_on__lt=today)
    return (
        cases.filter(never_assessed | review_late)
        .select_related("partnership", "lead_officer")
        .order_by(models.F("risk_review_due_on").asc(nulls_first=True), "opened_on", "id")
    )
