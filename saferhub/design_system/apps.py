from django.apps import AppConfig


class DesignSystemConfig(AppConfig):
    name = "saferhub.design_system"
    label = "design_system"
