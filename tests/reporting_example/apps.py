from django.apps import AppConfig


class ReportingExampleConfig(AppConfig):
    """Installed by the test settings only: the second kind of return of saferhub/reporting's tests."""

    name = "tests.reporting_example"
    label = "reporting_example"
