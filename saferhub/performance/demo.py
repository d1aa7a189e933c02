"""The demo's measures of the current plans' priorities, with their figures, and the quarters' returns."""

from typing import Any

from django.db import transaction

from saferhub.core.registry import DemoRun
from saferhub.crimedata.models import Indicator
from saferhub.partnerships.models import Partnership
from saferhub.performance import services
from saferhub.performance.models import Measure, ReportingRound
from saferhub.plans.selectors import current_plan_of


def demo_load(run: DemoRun) -> None:
    """In both stages: an automatic measure whose indicator is not loaded yet waits for the evidence."""
    with transaction.atomic():
        for row in run.demo.get("performance", []):
            _partnership_performance(row, run)


def _partnership_performance(row: dict[str, Any], run: DemoRun) -> None:
    partnership = Partnership.objects.get(slug=row["partnership"])
    plan = current_plan_of(partnership)
    if plan is None:
        return
    for spec in row.get("measures", []):
        priority = plan.priorities.get(title=spec["priority"])
        measure = Measure.objects.filter(priority=priority, title=spec["title"]).first()
        if measure is None:
            indicator = None
            if spec["kind"] == "automatic":
                indicator = Indicator.objects.filter(partnership__isnull=True, slug=spec["indicator"]).first()
                if indicator is None:
                    continue
            measure = services.measure_create(
                actor=None,
                priority=priority,
                title=spec["title"],
                kind=spec["kind"],
                indicator=indicator,
                unit=spec.get("unit", ""),
                baseline_value=spec.get("baseline_value"),
                baseline_period=spec.get("baseline_period", ""),
                target_value=spec["target_value"],
                direction=spec["direction"],
                tolerance_percent=spec.get("tolerance_percent", 0),
                frequency=spec.get("frequency", "quarterly"),
                source=spec.get("source", ""),
            )
            run.count("measures")
        for figure in spec.get("figures", []):
            if not measure.values.filter(period=figure["period"]).exists():
                services.measure_value_record(
                    actor=None,
                    measure=measure,
                    period=figure["period"],
                    period_end=figure["period_end"],
                    value=figure["value"],
                )
    for spec in row.get("rounds", []):
        if not ReportingRound.objects.filter(
            partnership=partnership, financial_year=spec["financial_year"], quarter=spec["quarter"]
        ).exists():
            run.count("reporting rounds")
        services.reporting_round_open(
            actor=None,
            partnership=partnership,
            financial_year=spec["financial_year"],
            quarter=spec["quarter"],
            due_on=spec["due_on"],
        )
