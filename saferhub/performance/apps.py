from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "saferhub.performance"
    label = "performance"

    def ready(self) -> None:
        # Registering: the rules of its permissions, and the return's workflow with the engine.
        from saferhub.performance import permissions, workflows  # noqa: F401
