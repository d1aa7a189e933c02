"""Inside the load benchmark's installation: what the demo lacks for the pages its roles use, and their URLs.

Run by benchmarks/load.py as `python -m benchmarks.load_setup` with the installation's environment, after
`saferhub load_demo`. The demo has no assessment and no board pack: this makes Leicester's assessment (the
form's defaults, five financial years to the last month the store holds) and publishes the board pack of
its reporting round, through the services a manager's clicks call. It prints one JSON object: for each role,
the demo user's email and the paths that role's simulated users visit. With the path of that JSON as its
argument, it prints what each page costs instead (page_costs).
"""

import json
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import django_setup

PARTNERSHIP = "leicester"
ROLES = {
    "manager": "manager@leicester.demo",
    "analyst": "analyst@leicester.demo",
    "theme_lead": "lead@leicester.demo",
    "board_member": "board@leicester.demo",
}


def main() -> None:
    django_setup()
    if len(sys.argv) > 1:
        print(json.dumps(page_costs(json.loads(Path(sys.argv[1]).read_text()))))
    else:
        print(json.dumps(load_plan()))


def page_costs(plan: dict[str, Any], *, repeats: int = 5) -> dict[str, dict[str, float]]:
    """Each page's database queries (and how many write), and the CPU milliseconds of the process serving
    it, through Django's test client and the whole middleware stack: what a worker spends on one request,
    less sensitive to a busy machine than the wall times under load."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from saferhub.accounts.models import User

    costs = {}
    for role, details in plan["roles"].items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(email=details["email"]))
        for name, path in [*details["pages"].items(), ("floor", "/healthz")]:
            client.get(path, secure=True)  # templates compiled, connection open
            started = time.process_time()
            with CaptureQueriesContext(connection) as queries:
                for _ in range(repeats):
                    client.get(path, secure=True)
            statements = [
                query["sql"].lstrip().split(" ", 1)[0].upper() for query in queries.captured_queries
            ]
            costs[f"{role}: {name}"] = {
                "queries": len(statements) / repeats,
                "writes": sum(word in {"INSERT", "UPDATE", "DELETE"} for word in statements) / repeats,
                "cpu_ms": round((time.process_time() - started) / repeats * 1000, 1),
            }
    return costs


def load_plan() -> dict[str, Any]:
    from django.urls import reverse

    from saferhub.accounts.models import User
    from saferhub.demo.loader import DEMO_PASSWORD
    from saferhub.partnerships.models import Partnership
    from saferhub.performance.models import QuarterlyReturn, ReportingRound
    from saferhub.plans.models import Plan

    partnership = Partnership.objects.get(slug=PARTNERSHIP)
    manager = User.objects.get(email=ROLES["manager"])
    lead = User.objects.get(email=ROLES["theme_lead"])
    assessment = _assessment(partnership, manager)
    pack = _published_pack(partnership, manager)
    plan = Plan.objects.filter(partnership=partnership).order_by("-is_current", "-period_start").first()
    if plan is None:
        raise RuntimeError(f"The demo has no plan for {PARTNERSHIP}")
    priority = plan.priorities.order_by("position").first()
    returns = list(
        QuarterlyReturn.objects.filter(
            reporting_round__in=ReportingRound.objects.filter(partnership=partnership),
            priority__lead_user=lead,
        )
    )
    if not returns or priority is None:
        raise RuntimeError(f"The demo's {PARTNERSHIP} plan has no priority or its lead no return")
    slug = {"slug": PARTNERSHIP}
    in_assessment = {**slug, "assessment_id": assessment.public_id}
    pages = {
        "manager": {
            "partnership": reverse("partnerships:partnership", kwargs=slug),
            "plan": reverse("plans:plan", kwargs={**slug, "plan_id": plan.public_id}),
            "priority": reverse(
                "plans:priority",
                kwargs={**slug, "plan_id": plan.public_id, "priority_id": priority.public_id},
            ),
            "performance": reverse("performance:index", kwargs=slug),
            "board pack": reverse("performance:pack", kwargs={**slug, "pack_id": pack.public_id}),
        },
        "analyst": {
            "data index": reverse("crimedata:index", kwargs=slug),
            "imports": reverse("crimedata:imports", kwargs=slug),
            "headline table": reverse("assessment:assessment", kwargs=in_assessment),
            "trends": reverse("assessment:trends", kwargs=in_assessment),
            "where": reverse("assessment:places", kwargs=in_assessment),
        },
        "theme_lead": {
            "performance": reverse("performance:index", kwargs=slug),
            **{
                f"return {number}": reverse(
                    "performance:return", kwargs={**slug, "return_id": quarterly_return.public_id}
                )
                for number, quarterly_return in enumerate(returns, start=1)
            },
        },
        "board_member": {
            "partnership": reverse("partnerships:partnership", kwargs=slug),
            "published board pack": reverse("performance:pack", kwargs={**slug, "pack_id": pack.public_id}),
        },
    }
    return {
        "password": DEMO_PASSWORD,
        "roles": {role: {"email": ROLES[role], "pages": pages[role]} for role in ROLES},
    }


def _assessment(partnership: Any, manager: Any) -> Any:
    """Leicester's assessment with the new-assessment form's defaults (made once)."""
    from saferhub.assessment import selectors, services
    from saferhub.assessment.models import Assessment
    from saferhub.assessment.scoring import shipped_models
    from saferhub.crimedata.models import Indicator, Partition

    existing = Assessment.objects.filter(partnership=partnership).first()
    if existing is not None:
        return existing
    last_month = Partition.objects.order_by("-month").values_list("month", flat=True).first()
    if last_month is None:
        raise RuntimeError("The store holds no crime data: load_demo must run with its crime data")
    choice = selectors.default_indicator_choice(partnership)
    return services.assessment_create(
        actor=manager,
        partnership=partnership,
        title="Strategic assessment (load benchmark)",
        label="load-benchmark",
        period_kind="financial-year",
        last_month=last_month,
        years=2,
        indicators=list(Indicator.objects.filter(pk__in=choice["indicators"])),
        model=next(iter(shipped_models().values())),
    )


def _published_pack(partnership: Any, manager: Any) -> Any:
    from saferhub.performance import services
    from saferhub.performance.models import BoardPack, ReportingRound

    reporting_round = ReportingRound.objects.filter(partnership=partnership).order_by("-pk").first()
    if reporting_round is None:
        raise RuntimeError(f"The demo has no reporting round for {PARTNERSHIP}")
    pack = BoardPack.objects.filter(reporting_round=reporting_round, is_published=True).first()
    if pack is not None:
        return pack
    pack = services.board_pack_generate(actor=manager, reporting_round=reporting_round)
    services.board_pack_publish(actor=manager, pack=pack)
    return pack


if __name__ == "__main__":
    main()
