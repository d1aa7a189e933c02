from django.apps import AppConfig


class CrimedataConfig(AppConfig):
    name = "saferhub.crimedata"
    label = "crimedata"
