from django.apps import AppConfig

from saferhub.core.registry import AppFeatures, NavEntry


class CrimedataConfig(AppConfig):
    name = "saferhub.crimedata"
    label = "crimedata"
    features = AppFeatures(
        navigation=(NavEntry("Crime and ASB data", "crimedata:index", order=20),),
        api_router="saferhub.crimedata.api.router",
        demo_loader="saferhub.crimedata.demo.demo_load",
    )

    def ready(self) -> None:
        from saferhub.crimedata import permissions  # noqa: F401 - registers the rules
