from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules

from saferhub.core.registry import AppFeatures


class DocumentsConfig(AppConfig):
    name = "saferhub.documents"
    label = "documents"
    features = AppFeatures(
        not_in_navigation="A document's pages are reached from the assessment or board pack it was made from",
        authz_matrix="tests.security.matrix_documents",
    )

    def ready(self) -> None:
        # Each app that makes documents declares its kinds in its own `documents.py`.
        autodiscover_modules("documents")
