from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "saferhub.partnerships"
    label = "partnerships"

    def ready(self) -> None:
        from saferhub.partnerships import permissions  # noqa: F401 - registers the rules
