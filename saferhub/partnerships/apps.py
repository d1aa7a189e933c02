from django.apps import AppConfig

from saferhub.core.registry import AppFeatures, NavEntry


class PartnershipsConfig(AppConfig):
    name = "saferhub.partnerships"
    label = "partnerships"
    features = AppFeatures(
        navigation=(
            NavEntry("People and roles", "partnerships:people", order=50),
            NavEntry(
                "Partnership settings",
                "partnerships:settings",
                order=70,
                permission="partnerships.manage_partnership",
            ),
        ),
        history_models={
            "partnership": "partnerships.Partnership",
            "group": "partnerships.Group",
            "action": "partnerships.Action",
            "membership": "partnerships.Membership",
        },
        api_router="saferhub.partnerships.api.router",
        demo_loader="saferhub.partnerships.demo.demo_load",
        authz_matrix="tests.security.matrix_partnerships",
        work="saferhub.partnerships.work.work_for",
    )

    def ready(self) -> None:
        from saferhub.partnerships import permissions  # noqa: F401 - registers the rules
