from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "saferhub.plans"
    label = "plans"

    def ready(self) -> None:
        from saferhub.plans import permissions  # noqa: F401 - registers the rules
