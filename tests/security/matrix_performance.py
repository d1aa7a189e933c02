"""The authorisation matrix rows for this app's URL names, merged into test_authz_matrix.MATRIX."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from saferhub.performance.models import BoardPack, Measure, QuarterlyReturn, ReportingRound, ReturnSection
from saferhub.plans.tests.factories import PlanFactory, PriorityFactory
from tests.security.matrix_words import (
    API_READS,
    LEAD_OR_MANAGER_ONLY,
    LEADS_OR_MANAGES,
    MANAGER_ONLY,
    MANAGES,
    READS,
    SIGN_IN,
    TO_DOCUMENT,
    Expect,
    Row,
    To,
)

# The return's lead can see it, so the decision page refuses them (403); the others do not know it (404).
# A's return is a draft, with nothing to decide: the managers are sent back to it.
DECIDES = Row(SIGN_IN, To("/p/alpha/performance/returns/"), 403, 404, 404, 404, 404, 404)
API_LEAD_OR_MANAGER_ONLY = Row(401, 200, 200, 404, 404, 404, 404, 404)
# Sending a manual measure's figure: its lead and the managers; the rest of A are refused, others 404.
API_LEADS_OR_MANAGES = Row(401, 200, 200, 403, 403, 403, 404, 404)


def _a(w: Any, key: str) -> Any:
    return w.records["a"][key]


def _hex(record: Any) -> str:
    return str(record.public_id.hex)


def measure_form(w: Any) -> dict[str, Any]:
    return {
        "title": "Robberies in the city centre wards",
        "kind": "manual",
        "target_value": "40",
        "direction": "reduce",
        "tolerance_percent": "5",
        "frequency": "quarterly",
    }


def section_form(section: str) -> Any:
    def data(w: Any) -> dict[str, Any]:
        priority = _a(w, "priority")
        if section == ReturnSection.PROGRESS:
            return {f"d_{_hex(d)}": "Thirty offenders engaged." for d in priority.deliverables.all()}
        if section == ReturnSection.THEMES:
            return {f"t_{_hex(t)}": "Joint visits with the DA service." for t in priority.plan.themes.all()}
        if section == ReturnSection.MEASURES:
            measure = _a(w, "measure")
            return {f"v_{_hex(measure)}": "31", f"c_{_hex(measure)}": "Up on Q1."}
        if section == ReturnSection.RISKS:
            return {"risks_and_issues": "Staff shortage.", "help_needed": ""}
        return {"self_assessment": "green", "summary": "On track."}

    return data


MATRIX: dict[str, Expect] = {
    "performance:index": Expect(READS),
    "performance:rag-rule": Expect(MANAGES, data=lambda w: {"amber_margin_percent": "20"}),
    "performance:county": Expect(READS),
    "performance:measure-new": Expect(MANAGES, data=measure_form),
    "performance:measure": Expect(READS),
    "performance:measure-edit": Expect(MANAGES, data=measure_form),
    "performance:measure-figure": Expect(
        LEADS_OR_MANAGES,
        data=lambda w: {"period_end": "2025-09-30", "value": "27", "note": "From the enforcement log"},
        also={
            "a measure of a priority the theme lead does not lead": ({"measure_id": "other_measure"}, MANAGES)
        },
    ),
    "performance:round-new": Expect(
        MANAGES,
        data=lambda w: {
            "quarter": "3",
            "financial_year": "2025",
            "due_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),  # due dates are not past
            "remind_days_before": "7",
            "remind_days_after": "3",
        },
    ),
    "performance:round": Expect(MANAGES),
    # GET changes nothing and goes back to the round; POST generates the pack.
    "performance:pack-generate": Expect(
        Row(SIGN_IN, To("/p/alpha/performance/rounds/"), 403, 403, 403, 403, 404, 404),
        data=lambda w: {},
        post=MANAGES,
    ),
    "performance:return": Expect(
        LEAD_OR_MANAGER_ONLY,
        also={
            "a return of a priority the theme lead does not lead": (
                {"return_id": "other_return"},
                MANAGER_ONLY,
            )
        },
    ),
    **{
        f"performance:return-{section.value}": Expect(
            LEAD_OR_MANAGER_ONLY,
            data=section_form(section.value),
            also={
                "a return of a priority the theme lead does not lead": (
                    {"return_id": "other_return"},
                    MANAGER_ONLY,
                )
            },
        )
        for section in ReturnSection
    },
    # Submitting: A's return has every section completed, so a valid POST submits it.
    "performance:return-check": Expect(LEAD_OR_MANAGER_ONLY, data=lambda w: {}),
    # A draft cannot be decided, so the control POST changes nothing: view tests decide submitted ones.
    "performance:return-decide": Expect(
        DECIDES, data=lambda w: {"decision": "accept", "comment": ""}, doer=None
    ),
    "performance:pack": Expect(
        READS, also={"a board pack not yet published": ({"pack_id": "draft_pack"}, MANAGER_ONLY)}
    ),
    # Asking for the PDF sends whoever may read the pack to the document (its file, or its progress).
    "performance:pack-pdf": Expect(TO_DOCUMENT),
    # A's pack is published already, so publishing changes nothing: the view tests publish a draft.
    "performance:pack-publish": Expect(
        Row(SIGN_IN, To("/p/alpha/performance/board-packs/"), 403, 403, 403, 403, 404, 404),
        data=lambda w: {},
        post=MANAGES,
        doer=None,
    ),
    "performance:plan-changes": Expect(READS),
    "performance:carry-forward": Expect(
        MANAGES,
        data=lambda w: {f"m_{_hex(_a(w, 'old_measure'))}": str(_a(w, "priority").public_id)},
    ),
    # The JSON API.
    "api-1.0.0:measure_list": Expect(API_READS, auth="token"),
    "api-1.0.0:measure_detail": Expect(API_READS, auth="token"),
    "api-1.0.0:measure_figure_list": Expect(API_READS, auth="token"),
    # The same URL: POST sends a figure, the API's one write.
    "api-1.0.0:measure_figure_record": Expect(
        API_READS,
        auth="token",
        data=lambda w: {"period_end": "2025-09-30", "value": "27"},
        post=API_LEADS_OR_MANAGES,
        doer="theme_lead",
    ),
    "api-1.0.0:return_list": Expect(API_READS, auth="token"),
    "api-1.0.0:return_detail": Expect(API_LEAD_OR_MANAGER_ONLY, auth="token"),
    "api-1.0.0:board_pack_list": Expect(API_READS, auth="token"),
    "api-1.0.0:board_pack_detail": Expect(API_READS, auth="token"),
}

# URL kwarg -> the key of the record in world.records[owner] ("a" or "b") that fills it.
RECORD_KWARGS: dict[str, str] = {
    "measure_id": "measure",
    "round_id": "reporting_round",
    "return_id": "return",
    "pack_id": "pack",
}


def records(world: Any) -> None:
    """Adds each partnership's performance records to world.records["a"] and world.records["b"].

    For each: a manual measure of "Business Crime" and one of another priority; Q2 2025/26 with a return for
    each (Business Crime's with every section completed, ready to submit); Q1 with a published board pack and
    Q4 2024/25 with one not yet published; an earlier plan with a measure to carry forward.
    """
    for owner in ("a", "b"):
        records = world.records[owner]
        plan, priority = records["plan"], records["priority"]
        other = PriorityFactory(plan=plan, title="Serious violence and exploitation")
        measure = Measure.objects.create(
            priority=priority,
            title="Premises with enforcement action",
            kind="manual",
            target_value=Decimal(30),
            direction="increase",
        )
        other_measure = Measure.objects.create(
            priority=other, title="Knife crime", kind="manual", target_value=Decimal(10), direction="reduce"
        )
        q2 = ReportingRound.objects.create(
            partnership=plan.partnership, financial_year=2025, quarter=2, due_on=dt.date(2025, 10, 31)
        )
        deliverable = priority.deliverables.first()
        theme = records["theme"]
        ready = QuarterlyReturn.objects.create(
            reporting_round=q2,
            priority=priority,
            deliverable_progress={str(deliverable.public_id): "On track."},
            theme_contributions={str(theme.public_id): "Joint visits."},
            measure_figures={str(measure.public_id): {"value": "25", "comment": ""}},
            risks_and_issues="None.",
            self_assessment="green",
            summary="A good quarter.",
            sections_completed=[section.value for section in ReturnSection],
        )
        other_return = QuarterlyReturn.objects.create(reporting_round=q2, priority=other)
        now = timezone.now()
        packs = {}
        for quarter, year, published in ((1, 2025, True), (4, 2024, False)):
            reporting_round = ReportingRound.objects.create(
                partnership=plan.partnership,
                financial_year=year,
                quarter=quarter,
                due_on=dt.date(2025, 7, 31),
            )
            packs[published] = BoardPack.objects.create(
                reporting_round=reporting_round,
                generated_at=now,
                is_published=published,
                published_at=now if published else None,
                snapshot={
                    "partnership": plan.partnership.name,
                    "quarter": reporting_round.label,
                    "priorities": [],
                },
            )
        old_plan = PlanFactory(
            partnership=plan.partnership,
            title=f"{plan.partnership.name} Plan 2020–2023",
            period_start=dt.date(2020, 4, 1),
            period_end=dt.date(2023, 3, 31),
            is_current=False,
        )
        old_priority = PriorityFactory(plan=old_plan, title="Business Crime")
        old_measure = Measure.objects.create(
            priority=old_priority,
            title="Shoplifting",
            kind="manual",
            target_value=Decimal(900),
            direction="reduce",
        )
        records.update(
            {
                "measure": measure,
                "other_measure": other_measure,
                "reporting_round": q2,
                "return": ready,
                "other_return": other_return,
                "pack": packs[True],
                "draft_pack": packs[False],
                "old_measure": old_measure,
            }
        )
