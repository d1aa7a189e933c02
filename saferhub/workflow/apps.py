from django.apps import AppConfig

from saferhub.core.registry import AppFeatures


class WorkflowConfig(AppConfig):
    name = "saferhub.workflow"
    label = "workflow"
    # Below the domain apps, it adds nothing to the shared places: their pages show their workflows.
    features = AppFeatures()
