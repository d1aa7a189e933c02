"""Test settings: the base settings with fast hashing, immediate tasks and in-memory email."""

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR, DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests serve static files from the build folder, as `make run` does.
STATIC_ROOT = BASE_DIR / "build" / "static"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
# The second kind of return that saferhub/reporting's tests declare, with migrations of its own (the backup
# tests' installation, tests/installation_settings.py, installs it too).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.reporting_example"]  # noqa: F405
