from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "saferhub.assessment"
    label = "assessment"

    def ready(self) -> None:
        from saferhub.assessment import permissions  # noqa: F401 - registers the rules
