from django.apps import AppConfig

from saferhub.core.registry import AppFeatures, NavEntry


class PerformanceConfig(AppConfig):
    name = "saferhub.performance"
    label = "performance"
    features = AppFeatures(
        navigation=(
            NavEntry(
                "Performance: measures, quarterly returns and board packs", "performance:index", order=40
            ),
        ),
        history_models={"measure": "performance.Measure", "return": "performance.QuarterlyReturn"},
        api_router="saferhub.performance.api.router",
        demo_loader="saferhub.performance.demo.demo_load",
        authz_matrix="tests.security.matrix_performance",
        work="saferhub.performance.work.work_for",
    )

    def ready(self) -> None:
        # Registering: the rules of its permissions, and the return's workflow with the engine.
        from saferhub.performance import permissions, workflows  # noqa: F401
