from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "saferhub.accounts"
    label = "accounts"
