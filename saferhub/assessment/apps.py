from django.apps import AppConfig

from saferhub.core.registry import AppFeatures, NavEntry


class AssessmentConfig(AppConfig):
    name = "saferhub.assessment"
    label = "assessment"
    features = AppFeatures(
        navigation=(
            NavEntry("Strategic assessments and priority setting", "assessment:assessments", order=30),
        ),
        history_models={"assessment": "assessment.Assessment"},
        authz_matrix="tests.security.matrix_assessment",
    )

    def ready(self) -> None:
        from saferhub.assessment import permissions  # noqa: F401 - registers the rules
