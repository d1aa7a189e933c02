from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "saferhub.workflow"
    label = "workflow"
