from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "saferhub.performance"
    label = "performance"

    def ready(self) -> None:
        from saferhub.performance import permissions  # noqa: F401 - registers the rules
