from django.apps import AppConfig


class CrimedataConfig(AppConfig):
    name = "saferhub.crimedata"
    label = "crimedata"

    def ready(self) -> None:
        from saferhub.crimedata import permissions  # noqa: F401 - registers the rules
