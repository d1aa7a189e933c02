from django.apps import AppConfig

from saferhub.core.registry import AppFeatures, NavEntry


class AsbConfig(AppConfig):
    name = "saferhub.asb"
    label = "asb"
    verbose_name = "Anti-social behaviour casework"
    features = AppFeatures(
        navigation=(
            NavEntry("Anti-social behaviour cases", "asb:cases", order=46, permission="asb.open_case"),
            NavEntry("Problem places (JAGs)", "asb:places", order=47),
            NavEntry("Anti-social behaviour reports", "asb:reports", order=48, permission="asb.manage"),
            NavEntry("Casework settings and letters", "asb:settings", order=65, permission="asb.manage"),
        ),
        # A case's own page shows its timeline to those who may see it; the partnership's history pages are
        # for its managers, who may not be on a case, so a case is not among them.
        history_models={"place": "asb.ProblemPlace"},
        api_router="saferhub.asb.api.router",
        demo_loader="saferhub.asb.demo.demo_load",
        authz_matrix="tests.security.matrix_asb",
        work="saferhub.asb.work.work_for",
    )

    def ready(self) -> None:
        # Registering: the rules of its permissions, and the case's and the perpetrator's workflows.
        from saferhub.asb import permissions, workflows  # noqa: F401
