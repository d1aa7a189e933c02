"""Reads about plans, scoped through the partnership the person can see."""

from typing import Any

from django.db import models
from django.http import Http404

from saferhub.partnerships.models import Partnership
from saferhub.plans.models import CrossCuttingTheme, Deliverable, Plan, Priority


def plans_of(partnership: Partnership) -> models.QuerySet[Plan]:
    return Plan.objects.filter(partnership=partnership).select_related("partnership")


def plan_in(partnership: Partnership, public_id: Any) -> Plan:
    plan = plans_of(partnership).filter(public_id=public_id).first()
    if plan is None:
        raise Http404("No such plan")
    return plan


def current_plan_of(partnership: Partnership) -> Plan | None:
    return plans_of(partnership).filter(is_current=True).order_by("-period_start").first()


def later_plan_of(plan: Plan) -> Plan | None:
    """The partnership's next plan after this one (drafted or current), if it has one."""
    return (
        plans_of(plan.partnership)
        .filter(period_start__gt=plan.period_start)
        .exclude(pk=plan.pk)
        .order_by("period_start")
        .first()
    )


def current_plans_of(partnerships: list[Partnership]) -> dict[int, Plan | None]:
    """Each partnership's current plan (as current_plan_of), by partnership id, in one query."""
    plans: dict[int, Plan | None] = dict.fromkeys((p.pk for p in partnerships), None)
    current = Plan.objects.filter(partnership__in=partnerships, is_current=True).order_by("period_start")
    for plan in current.select_related("partnership"):
        plans[plan.partnership_id] = plan  # the latest start wins, as in current_plan_of
    return plans


def _with_plan_and_partnership(relation: str) -> models.Prefetch:
    """The priorities on the other end of an alignment with their plans and partnerships joined: one query,
    where prefetching "relation__plan__partnership" takes three."""
    return models.Prefetch(relation, queryset=Priority.objects.select_related("plan__partnership"))


def priorities_of(plan: Plan) -> models.QuerySet[Priority]:
    return plan.priorities.select_related("lead_user", "lead_organisation").prefetch_related(
        "deliverables", _with_plan_and_partnership("aligned_to")
    )


def priority_in(plan: Plan, public_id: Any) -> Priority:
    found = priorities_of(plan).prefetch_related(_with_plan_and_partnership("supported_by"))
    priority = found.filter(public_id=public_id).first()
    if priority is None:
        raise Http404("No such priority")
    return priority


def theme_in(plan: Plan, public_id: Any) -> CrossCuttingTheme:
    theme = plan.themes.filter(public_id=public_id).first()
    if theme is None:
        raise Http404("No such theme")
    return theme


def priorities_to_align_with(plan: Plan) -> models.QuerySet[Priority]:
    """Priorities of the current plans of the partnerships above this one (county board, PCC)."""
    return (
        Priority.objects.filter(plan__partnership__in=plan.partnership.ancestors(), plan__is_current=True)
        .select_related("plan__partnership")
        .order_by("plan__partnership__name", "position")
    )


def current_plan_priorities(partnership: Partnership) -> list[Priority]:
    """The priorities of the partnership's current plan, in order (none without a current plan)."""
    plan = current_plan_of(partnership)
    return list(plan.priorities.all()) if plan else []


def priority_of_partnership(partnership: Partnership, public_id: Any) -> Priority:
    """A priority of any of the partnership's plans, current or not."""
    priority = Priority.objects.filter(plan__partnership=partnership, public_id=public_id).first()
    if priority is None:
        raise Http404("No such priority")
    return priority


def priorities_of_plans(plan_ids: list[int]) -> models.QuerySet[Priority]:
    """The priorities of these plans, each with its plan and partnership joined."""
    return Priority.objects.filter(plan__in=plan_ids).select_related("plan__partnership")


def priorities_as_of(plan: Plan, when: Any) -> list[Any]:
    """The plan's priorities as they stood at a moment (historical records: title, id, ...)."""
    return list(Priority.history.as_of(when).filter(plan_id=plan.id))


def deliverables_as_of(priority_ids: list[int], when: Any) -> list[Any]:
    """The deliverables of these priorities as they stood at a moment."""
    return list(Deliverable.history.as_of(when).filter(priority_id__in=priority_ids))


def priorities_from_choices(choices: models.QuerySet[Any]) -> models.QuerySet[Priority]:
    """The plan priorities made from these assessment choices (an assessment's ChosenPriority rows)."""
    return Priority.objects.filter(assessment_choice__in=choices)


def plans_from_choices(choices: models.QuerySet[Any]) -> models.QuerySet[Plan]:
    """The plans holding a priority made from these assessment choices."""
    return Plan.objects.filter(priorities__assessment_choice__in=choices).distinct()
