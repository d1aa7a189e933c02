from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "saferhub.operations"
    label = "operations"
