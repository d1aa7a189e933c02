"""Reads the JSON API needs beyond those the pages already have: a partnership's rounds (with their
criteria), the applications its people may see, its awards.

Scoped as the pages are: a round is read by whoever sees the partnership's funds; an application by the
partnership's managers and the round's assessors (once submitted, and not by an assessor who declared a
conflict with it); anything else is a 404.
"""

import datetime as dt
from typing import Any, Literal

from django.db import models
from django.http import Http404

from saferhub.core.actors import Actor
from saferhub.grants.models import Application, ApplicationStatus, Award, GrantRound
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.selectors import has_managing_role

RoundStatus = Literal["upcoming", "open", "closed"]


def rounds_of_partnership(partnership: Partnership) -> models.QuerySet[GrantRound]:
    """Every round of the partnership's funds, the latest to open first, each with its fund and criteria."""
    return (
        GrantRound.objects.filter(fund__partnership=partnership)
        .select_related("fund")
        .prefetch_related("criteria")
    )


def round_of_partnership(partnership: Partnership, public_id: Any) -> GrantRound:
    """A round of one of the partnership's funds (404 for any other)."""
    try:
        return rounds_of_partnership(partnership).get(public_id=public_id)
    except (GrantRound.DoesNotExist, ValueError, TypeError):
        raise Http404("No such round") from None


def round_status(grant_round: GrantRound, now: dt.datetime) -> RoundStatus:
    """Whether the round takes applications at `now`, has yet to open, or has closed."""
    if now < grant_round.opens_at:
        return "upcoming"
    return "open" if now < grant_round.closes_at else "closed"


def applications_visible_to(user: Actor, partnership: Partnership) -> models.QuerySet[Application]:
    """The applications to the partnership's rounds that the person may see, as the round pages list them:
    every round's for its managers, the rounds they assess for an assessor; submitted ones only (a draft, or
    one withdrawn, is the applicant's own), less any the person declared a conflict with."""
    if user.pk is None:
        return Application.objects.none()
    applications = Application.objects.filter(grant_round__fund__partnership=partnership)
    if not has_managing_role(user, partnership):
        applications = applications.filter(grant_round__assessors__pk=user.pk)
    return (
        applications.exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
        .exclude(conflicts__assessor_id=user.pk)
        .select_related("grant_round__fund", "organisation")
        .order_by("grant_round__title", "title")
    )


def application_visible_to(user: Actor, partnership: Partnership, public_id: Any) -> Application:
    """One of those applications; any other (a draft, another round's, another partnership's) is a 404."""
    try:
        return applications_visible_to(user, partnership).get(public_id=public_id)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404("No such application") from None


def awards_of_partnership(partnership: Partnership) -> models.QuerySet[Award]:
    """Every award of the partnership's funds, by project, as the funds' pages list them to its people."""
    return (
        Award.objects.filter(application__grant_round__fund__partnership=partnership)
        .select_related("application__grant_round__fund", "application__organisation")
        .order_by("application__title", "created_at")
    )
