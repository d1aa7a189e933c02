from django.apps import AppConfig

from saferhub.core.registry import AppFeatures, NavEntry


class AuditConfig(AppConfig):
    name = "saferhub.audit"
    label = "audit"
    features = AppFeatures(
        navigation=(NavEntry("Audit log", "audit:partnership-log", order=60, permission="audit.view_audit"),)
    )
