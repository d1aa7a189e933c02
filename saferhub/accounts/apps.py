from django.apps import AppConfig

from saferhub.core.registry import AppFeatures


class AccountsConfig(AppConfig):
    name = "saferhub.accounts"
    label = "accounts"
    features = AppFeatures(
        not_in_navigation="Sign-in and a person's own account belong to the person, not to a partnership"
    )
