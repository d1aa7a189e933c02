from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class DocumentsConfig(AppConfig):
    name = "saferhub.documents"
    label = "documents"

    def ready(self) -> None:
        # Each app that makes documents declares its kinds in its own `documents.py`.
        autodiscover_modules("documents")
