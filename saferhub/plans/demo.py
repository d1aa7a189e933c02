"""The demo's plans, drawn from the seed documents, with their themes, priorities, revisions and leads."""

from typing import Any

from saferhub.accounts.models import User
from saferhub.core.registry import DemoRun, DemoStage
from saferhub.partnerships.models import Organisation, Partnership
from saferhub.plans import services
from saferhub.plans.models import Plan, Priority


def demo_load(run: DemoRun) -> None:
    if run.stage != DemoStage.RECORDS:
        return
    new_priorities = _plans(run.demo.get("plans", []), run)
    _leads(run.demo.get("users", []), new_priorities)


def _plans(rows: list[dict[str, Any]], run: DemoRun) -> list[Priority]:
    """Creates the plans not loaded before; returns the priorities it created."""
    created: list[Priority] = []
    for row in rows:
        partnership = Partnership.objects.get(slug=row["partnership"])
        if Plan.objects.filter(partnership=partnership, title=row["title"]).exists():
            continue
        plan = services.plan_create(
            actor=None,
            partnership=partnership,
            title=row["title"],
            period_start=row["period_start"],
            period_end=row["period_end"],
            is_current=row.get("is_current", True),
            foreword=row.get("foreword", "").strip(),
            vision=row.get("vision", "").strip(),
            statutory_duties=row.get("statutory_duties", "").strip(),
            partnership_expectations=row.get("partnership_expectations", "").strip(),
            deliverables_label=row.get("deliverables_label", "Key deliverables"),
        )
        run.count("plans")
        for theme in row.get("cross_cutting_themes", []):
            services.theme_create(
                actor=None, plan=plan, title=theme["title"], description=theme.get("description", "").strip()
            )
        for priority in row.get("priorities", []):
            created.append(
                services.priority_create(
                    actor=None,
                    plan=plan,
                    title=priority["title"],
                    description=priority.get("description", "").strip(),
                    lead_organisation=Organisation.objects.filter(
                        name=priority.get("lead_organisation", "")
                    ).first(),
                    deliverables=[text.strip() for text in priority.get("deliverables", [])],
                    aligned_to=[_priority_named(reference) for reference in priority.get("aligned_to", [])],
                )
            )
            run.count("priorities")
        for revision in row.get("revisions", []):
            services.plan_revise(
                actor=None,
                plan=plan,
                label=revision["label"],
                revised_on=revision["revised_on"],
                summary=revision.get("summary", "").strip(),
            )
    return created


def _priority_named(reference: str) -> Priority:
    """'partnership-slug:plan title:priority title', a priority loaded earlier in the file."""
    slug, plan_title, title = reference.split(":", 2)
    return Priority.objects.get(plan__partnership__slug=slug, plan__title=plan_title, title=title)


def _leads(rows: list[dict[str, Any]], new_priorities: list[Priority]) -> None:
    """Make each demo theme lead the lead of the priorities they are named for, in a current plan loaded now.

    Only priorities created by this run: a lead removed since the demo was first loaded stays removed.
    """
    for row in rows:
        for membership in row.get("memberships", []):
            for priority in new_priorities:
                if (
                    priority.title in membership.get("lead_of", [])
                    and priority.plan.is_current
                    and priority.plan.partnership.slug == membership["partnership"]
                ):
                    services.priority_update(
                        actor=None,
                        priority=priority,
                        values={"lead_user": User.objects.get(email=row["email"])},
                    )
