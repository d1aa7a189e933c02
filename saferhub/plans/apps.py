from django.apps import AppConfig

from saferhub.core.registry import AppFeatures, HistoryParts, NavEntry


class PlansConfig(AppConfig):
    name = "saferhub.plans"
    label = "plans"
    features = AppFeatures(
        navigation=(NavEntry("Partnership plans and priorities", "plans:plan-list", order=10),),
        history_models={
            "plan": "plans.Plan",
            "priority": "plans.Priority",
            "theme": "plans.CrossCuttingTheme",
        },
        history_parts={
            "priority": HistoryParts(
                "plans.Deliverable", record_field="priority_id", text_field="text", noun="deliverable"
            )
        },
        api_router="saferhub.plans.api.router",
        demo_loader="saferhub.plans.demo.demo_load",
    )

    def ready(self) -> None:
        from saferhub.plans import permissions  # noqa: F401 - registers the rules
