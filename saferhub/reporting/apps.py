from django.apps import AppConfig

from saferhub.core.registry import AppFeatures


class ReportingConfig(AppConfig):
    name = "saferhub.reporting"
    label = "reporting"
    # Below the domain apps, it adds nothing to the shared places: each kind's app shows its returns.
    features = AppFeatures()
