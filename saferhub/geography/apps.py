from django.apps import AppConfig

from saferhub.core.registry import AppFeatures


class GeographyConfig(AppConfig):
    name = "saferhub.geography"
    label = "geography"
    features = AppFeatures(
        demo_loader="saferhub.geography.demo.demo_load",
    )
