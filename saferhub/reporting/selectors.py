"""Reads about reporting rounds and their returns, for any kind, scoped to what the person may see.

A return is its lead's and the managers' business: anyone else (another subject's lead, an analyst, the
county board above) is told it does not exist (404).
"""

import datetime as dt
from typing import Any

from django.db import models
from django.http import Http404

from saferhub.core.actors import Actor
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.selectors import has_managing_role, roles_in
from saferhub.reporting.definitions import ReturnKind
from saferhub.reporting.models import EDITABLE_STATUSES


def rounds_of(kind: ReturnKind, partnership: Partnership) -> models.QuerySet[Any]:
    return kind.round_model._default_manager.filter(partnership=partnership)


def round_in(kind: ReturnKind, partnership: Partnership, public_id: Any) -> Any:
    found = rounds_of(kind, partnership).filter(public_id=public_id).first()
    if found is None:
        raise Http404("No such reporting round")
    return found


def returns_of(kind: ReturnKind, partnership: Partnership) -> models.QuerySet[Any]:
    """Every return of the partnership's rounds, with its round and its lead."""
    return kind.return_model._default_manager.filter(reporting_round__partnership=partnership).select_related(
        "reporting_round", kind.lead_path
    )


def returns_visible_to(kind: ReturnKind, user: Actor, partnership: Partnership) -> models.QuerySet[Any]:
    """All of the partnership's returns for its managers; a lead's own (while they work here) for a lead."""
    returns = returns_of(kind, partnership)
    if has_managing_role(user, partnership):
        return returns
    if not roles_in(user, partnership):
        return returns.none()
    return returns.filter(**{kind.lead_path: user})


def return_in(kind: ReturnKind, user: Actor, partnership: Partnership, public_id: Any) -> Any:
    found = returns_visible_to(kind, user, partnership).filter(public_id=public_id).first()
    if found is None:
        raise Http404("No such return")
    return found


def round_returns(kind: ReturnKind, user: Actor, reporting_round: Any) -> models.QuerySet[Any]:
    """A round's returns that the person may see, each with its status and lead, for the round's page."""
    return returns_visible_to(kind, user, reporting_round.partnership).filter(reporting_round=reporting_round)


def overdue_returns(
    kind: ReturnKind, *, today: dt.date, partnership: Partnership | None = None, lead: Any = None
) -> list[Any]:
    """Returns past their round's due date and still with their lead (a draft, or returned): a
    partnership's, or those one person owes, or both."""
    returns = kind.return_model._default_manager.filter(
        reporting_round__due_on__lt=today, status__in=EDITABLE_STATUSES
    ).select_related("reporting_round", kind.lead_path)
    if partnership is not None:
        returns = returns.filter(reporting_round__partnership=partnership)
    if lead is not None:
        returns = returns.filter(**{kind.lead_path: lead})
    return list(returns)


def section_names(kind: ReturnKind) -> list[tuple[str, str]]:
    return [(section.name, section.label) for section in kind.sections]
