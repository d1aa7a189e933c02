from django.apps import AppConfig

from saferhub.core.registry import AppFeatures, NavEntry


class GrantsConfig(AppConfig):
    name = "saferhub.grants"
    label = "grants"
    verbose_name = "Partnership funding"
    features = AppFeatures(
        navigation=(NavEntry("Funding: funds, rounds, applications and awards", "grants:index", order=45),),
        history_models={
            "fund": "grants.Fund",
            "round": "grants.GrantRound",
            "application": "grants.Application",
            "award": "grants.Award",
        },
        api_router="saferhub.grants.api.router",
        demo_loader="saferhub.grants.demo.demo_load",
        authz_matrix="tests.security.matrix_grants",
        work="saferhub.grants.work.work_for",
    )

    def ready(self) -> None:
        # Registering: the rules of its permissions, and the application's and award's workflows.
        from saferhub.grants import permissions, workflows  # noqa: F401
