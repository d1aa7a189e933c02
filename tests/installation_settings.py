"""The settings of the installation that the backup tests restore into, in a process of its own: the base
settings with the test-only app whose migration the test database has (a backup from it names that app)."""

from config.settings.base import *  # noqa: F403
from config.settings.base import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.reporting_example"]
