"""Writes about measures, returns and board packs. Each runs in one transaction and is audited.

The quarterly return is a kind of return of the reporting rounds (workflows.py declares it): opening a
round, saving a section, its lifecycle (draft -> submitted -> (returned -> submitted ->)* accepted) and
its reminders are saferhub.reporting's, and the functions here are their entry points for views and
commands. Manual figures in a return become the measure's figures when the manager accepts it, so a figure
sent back for correction never reaches the series or the board pack.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from saferhub.audit.models import AuditVerb
from saferhub.audit.services import audit_event_record, audited_create, audited_update
from saferhub.core.actors import Actor
from saferhub.design_system.filters import govuk_date
from saferhub.grants.selectors import funded_projects_for_pack
from saferhub.partnerships.models import GroupKind, Partnership
from saferhub.partnerships.selectors import actions_of, groups_of
from saferhub.performance import rag, selectors
from saferhub.performance.models import (
    BoardPack,
    Measure,
    MeasureValue,
    QuarterlyReturn,
    RagRule,
    ReportingRound,
    ReturnStatus,
)
from saferhub.performance.returns import QUARTERLY_RETURN
from saferhub.plans.models import CrossCuttingTheme, Priority
from saferhub.plans.selectors import current_plan_of
from saferhub.reporting import services as reporting_services
from saferhub.reporting.definitions import ReturnNotAllowed

# --- Measures and the RAG rule --------------------------------------------------------------------

MEASURE_FIELDS = (
    "title",
    "deliverable",
    "kind",
    "indicator",
    "unit",
    "baseline_value",
    "baseline_period",
    "target_value",
    "direction",
    "tolerance_percent",
    "frequency",
    "source",
)


def measure_create(*, actor: Actor | None, priority: Priority, **values: Any) -> Measure:
    return audited_create(
        actor=actor,
        model=Measure,
        values={"priority": priority, "position": priority.measures.count() + 1, **values},
    )


def measure_update(*, actor: Actor | None, measure: Measure, values: dict[str, Any]) -> list[str]:
    return audited_update(actor=actor, record=measure, values=values)


def measure_value_record(
    *,
    actor: Actor | None,
    measure: Measure,
    period: str,
    period_end: dt.date,
    value: Decimal,
    note: str = "",
) -> MeasureValue:
    """Set a manual measure's figure for a period (a second figure for the same period replaces the first)."""
    if not measure.is_manual:
        raise ValueError(
            "Only a manual measure takes figures: an automatic one is counted from its indicator"
        )
    with transaction.atomic():
        existing = measure.values.filter(period=period).first()
        if existing is None:
            figure = audited_create(
                actor=actor,
                model=MeasureValue,
                values={
                    "measure": measure,
                    "period": period,
                    "period_end": period_end,
                    "value": value,
                    "note": note,
                    "entered_by": actor,
                },
                context={"value": str(value)},
            )
            return figure
        audited_update(
            actor=actor,
            record=existing,
            values={"value": value, "note": note, "period_end": period_end, "entered_by": actor},
        )
        return existing


def rag_rule_set(*, actor: Actor | None, partnership: Partnership, amber_margin_percent: Decimal) -> RagRule:
    with transaction.atomic():
        rule = RagRule.objects.filter(partnership=partnership).first()
        if rule is None:
            rule = audited_create(
                actor=actor,
                model=RagRule,
                values={"partnership": partnership, "amber_margin_percent": amber_margin_percent},
            )
        else:
            audited_update(actor=actor, record=rule, values={"amber_margin_percent": amber_margin_percent})
    return rule


# --- Rounds and returns: the reporting app's, for the quarterly return ------------------------------


def reporting_round_open(
    *,
    actor: Actor | None,
    partnership: Partnership,
    financial_year: int,
    quarter: int,
    due_on: dt.date,
    remind_days_before: int = 7,
    remind_days_after: int = 3,
) -> tuple[ReportingRound, list[QuarterlyReturn]]:
    """Open the quarter's returns for every priority of the current plan, addressed to its lead.

    Idempotent: a round already open keeps its dates, and a priority that already has its return keeps it;
    a priority added to the plan since gets one. Returns the round and the returns opened now.
    """
    return reporting_services.round_open(
        kind=QUARTERLY_RETURN,
        actor=actor,
        partnership=partnership,
        period={"financial_year": financial_year, "quarter": quarter},
        due_on=due_on,
        remind_days_before=remind_days_before,
        remind_days_after=remind_days_after,
    )


def return_section_save(
    *, actor: Actor | None, quarterly_return: QuarterlyReturn, section: str, values: dict[str, Any]
) -> list[str]:
    """Save one section of the template (the fields that section owns) and mark it completed."""
    return reporting_services.section_save(
        actor=actor, record=quarterly_return, section=section, values=values
    )


def return_missing_sections(quarterly_return: QuarterlyReturn) -> list[str]:
    """What the check page lists as still to do: the labels of the sections not completed."""
    return reporting_services.missing_sections(quarterly_return)


def return_submit(*, actor: Actor | None, quarterly_return: QuarterlyReturn) -> None:
    reporting_services.return_submit(actor=actor, record=quarterly_return)


def return_send_back(*, actor: Actor | None, quarterly_return: QuarterlyReturn, comment: str) -> None:
    """The manager returns a submitted return to its lead with what to change; the lead is emailed."""
    reporting_services.return_send_back(actor=actor, record=quarterly_return, comment=comment)


def return_accept(*, actor: Actor | None, quarterly_return: QuarterlyReturn, comment: str = "") -> None:
    """Accept a submitted return; its manual figures become the measures' figures for the quarter."""
    with transaction.atomic():
        accepted = reporting_services.return_accept(actor=actor, record=quarterly_return, comment=comment)
        reporting_round = accepted.reporting_round
        for measure in accepted.priority.measures.filter(kind="manual"):
            figure = accepted.measure_figures.get(str(measure.public_id), {})
            if figure.get("value") not in (None, ""):
                measure_value_record(
                    actor=actor,
                    measure=measure,
                    period=reporting_round.label,
                    period_end=reporting_round.period_end,
                    value=Decimal(figure["value"]),
                    note=figure.get("comment", ""),
                )


# --- Board packs ----------------------------------------------------------------------------------


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _measure_snapshot(status: selectors.MeasureStatus, figure: dict[str, Any]) -> dict[str, Any]:
    measure = status.measure
    return {
        "title": measure.title,
        "kind": measure.kind,
        "unit": measure.unit,
        "direction": measure.get_direction_display(),
        "target": _number(measure.target_value),
        "baseline": _number(measure.baseline_value),
        "baseline_period": measure.baseline_period,
        "source": measure.source or (measure.indicator.name if measure.indicator else ""),
        "rag": status.rag,
        "rag_label": status.rag_label,
        "rag_reason": status.rag_reason,
        "travel": status.travel,
        "travel_basis": status.travel_basis,
        "latest": _number(status.latest.value) if status.latest else None,
        "latest_period": status.latest.period if status.latest else "",
        "points": [{"period": p.period, "value": _number(p.value)} for p in status.points][-12:],
        "problem": status.problem,
        "comment": figure.get("comment", ""),
    }


def _priority_snapshot(
    priority: Priority,
    quarterly_return: QuarterlyReturn | None,
    statuses: list[selectors.MeasureStatus],
    themes: list[CrossCuttingTheme],
) -> dict[str, Any]:
    figures = quarterly_return.measure_figures if quarterly_return else {}
    measures = [_measure_snapshot(s, figures.get(str(s.measure.public_id), {})) for s in statuses]
    usable = quarterly_return is not None and quarterly_return.status != ReturnStatus.DRAFT
    self_assessed = quarterly_return.self_assessment if usable and quarterly_return else ""
    travels = [s.travel for s in statuses]
    status = self_assessed or rag.worst([s.rag for s in statuses])
    return {
        "title": priority.title,
        "lead": priority.lead_user.full_name if priority.lead_user else "",
        "lead_organisation": priority.lead_organisation.name if priority.lead_organisation else "",
        "rag": status,
        "rag_label": rag.status_label(status, empty="Not known"),
        "rag_from": "the lead’s self-assessment" if self_assessed else "its measures",
        "travel": _overall_travel(travels),
        "return_status": quarterly_return.get_status_display() if quarterly_return else "No return opened",
        "summary": quarterly_return.summary if usable and quarterly_return else "",
        "risks_and_issues": quarterly_return.risks_and_issues if usable and quarterly_return else "",
        "help_needed": quarterly_return.help_needed if usable and quarterly_return else "",
        "deliverables": [
            {
                "text": d.text,
                "progress": quarterly_return.deliverable_progress.get(str(d.public_id), "")
                if usable and quarterly_return
                else "",
            }
            for d in priority.deliverables.all()
        ],
        "themes": [
            {
                "title": t.title,
                "text": quarterly_return.theme_contributions.get(str(t.public_id), "")
                if usable and quarterly_return
                else "",
            }
            for t in themes
        ],
        "measures": measures,
    }


def _overall_travel(travels: list[str]) -> str:
    better, worse = travels.count(rag.IMPROVING), travels.count(rag.WORSENING)
    if not better and not worse:
        return rag.NO_CHANGE if rag.NO_CHANGE in travels else rag.TOO_FEW
    if better and worse:
        return f"Mixed: {better} improving, {worse} worsening"
    return rag.IMPROVING if better else rag.WORSENING


def board_pack_snapshot(reporting_round: ReportingRound, *, today: dt.date) -> dict[str, Any]:
    """Everything the pack shows, as it stands now: priorities exceptions first, the board's action log."""
    partnership = reporting_round.partnership
    plan = current_plan_of(partnership)
    amber_margin = selectors.amber_margin_of(partnership)
    returns = {r.priority_id: r for r in reporting_round.returns.all()}
    with_leads = plan.priorities.select_related("lead_user", "lead_organisation") if plan else None
    plan_priorities = list(with_leads.prefetch_related("deliverables")) if with_leads is not None else []
    # The quarter's pack judges the figures as at the quarter's end, not later periods' figures.
    statuses = selectors.priority_measure_statuses(
        plan_priorities, amber_margins={partnership.pk: amber_margin}, until=reporting_round.period_end
    )
    themes = list(plan.themes.all()) if plan else []
    priorities = [_priority_snapshot(p, returns.get(p.pk), statuses[p.pk], themes) for p in plan_priorities]
    priorities.sort(key=lambda p: rag.RAG_ORDER[p["rag"]])
    boards = groups_of(partnership).filter(kind=GroupKind.BOARD)
    actions = [
        {
            "group": action.group.name,
            "description": action.description,
            "owner": str(action.owner or action.owner_organisation or ""),
            "due_on": action.due_on.isoformat() if action.due_on else "",
            "status": action.get_status_display(),
            "overdue": action.is_overdue(today),
            "update": action.update,
        }
        for board in boards
        for action in actions_of(board)
    ]
    return {
        "partnership": partnership.name,
        "quarter": reporting_round.label,
        "months": reporting_round.months_label,
        "plan": plan.title if plan else "",
        # The plan the pack reports on is the current one: say so when its period was over by then.
        "plan_ended_on": govuk_date(plan.period_end) if plan and plan.has_ended(today) else "",
        "rules": rag.board_pack_rules_text(),
        "amber_margin": float(amber_margin),
        "priorities": priorities,
        "actions": actions,
        "funded_projects": funded_projects_for_pack(
            partnership, reporting_round.financial_year, reporting_round.quarter
        ),
    }


def board_pack_generate(*, actor: Actor | None, reporting_round: ReportingRound) -> BoardPack:
    """Make (or remake, while unpublished) the quarter's board pack from the figures and returns as now."""
    with transaction.atomic():
        now = timezone.now()
        snapshot = board_pack_snapshot(reporting_round, today=timezone.localdate())
        pack = BoardPack.objects.select_for_update().filter(reporting_round=reporting_round).first()
        if pack is None:
            return audited_create(
                actor=actor,
                model=BoardPack,
                values={
                    "reporting_round": reporting_round,
                    "snapshot": snapshot,
                    "generated_by": actor,
                    "generated_at": now,
                },
            )
        if pack.is_published:
            raise ReturnNotAllowed("This board pack is published: it stays as the board read it")
        audited_update(
            actor=actor,
            record=pack,
            values={"snapshot": snapshot, "generated_by": actor, "generated_at": now},
        )
    return pack


def board_pack_publish(*, actor: Actor | None, pack: BoardPack) -> None:
    with transaction.atomic():
        if pack.is_published:
            return
        audited_update(
            actor=actor, record=pack, values={"is_published": True, "published_at": timezone.now()}
        )


# --- The plan cycle -------------------------------------------------------------------------------


def measures_carry_forward(*, actor: Actor | None, choices: dict[Measure, Priority]) -> list[Measure]:
    """Copy each chosen measure (its definition, not its figures) onto a priority of the new plan."""
    with transaction.atomic():
        copies = []
        for measure, priority in choices.items():
            values = {name: getattr(measure, name) for name in MEASURE_FIELDS if name != "deliverable"}
            copy = Measure.objects.create(priority=priority, position=priority.measures.count() + 1, **values)
            audit_event_record(
                actor=actor,
                verb=AuditVerb.CREATED,
                target=copy,
                context={"carried_forward_from": str(measure.public_id)},
            )
            copies.append(copy)
    return copies
