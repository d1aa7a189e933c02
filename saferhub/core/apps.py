from django.apps import AppConfig

from saferhub.core.registry import AppFeatures


class CoreConfig(AppConfig):
    name = "saferhub.core"
    label = "core"
    features = AppFeatures(
        not_in_navigation="Its pages (the accessibility statement, the health check) belong to no partnership"
    )
