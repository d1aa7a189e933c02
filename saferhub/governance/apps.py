from django.apps import AppConfig

from saferhub.core.registry import AppFeatures, NavEntry


class GovernanceConfig(AppConfig):
    name = "saferhub.governance"
    label = "governance"
    verbose_name = "Information governance"
    features = AppFeatures(
        navigation=(NavEntry("Information sharing agreements", "governance:agreements", order=49),),
        history_models={"agreement": "governance.SharingAgreement"},
        demo_loader="saferhub.governance.demo.demo_load",
        authz_matrix="tests.security.matrix_governance",
    )

    def ready(self) -> None:
        # Registering: the rules of its permissions, and the agreement's workflow.
        from saferhub.governance import permissions, workflows  # noqa: F401
