"""The production settings, run as an operator would run them: in a fresh process, from the environment."""

import json
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def saferhub_command() -> list[str]:
    """The `saferhub` console script of this environment, or Django's own entry point."""
    script = BIN / "saferhub"
    return [str(script)] if script.exists() else [sys.executable, "-m", "django"]


def production_env(data_dir: Path, **overrides: str | None) -> dict[str, str]:
    """A clean environment: nothing of the test run leaks in, throwaway values for what production needs."""
    env = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG", "TMPDIR"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(60)),
        ALLOWED_HOSTS="saferhub.example",
        DATABASE_URL=f"sqlite:///{data_dir / 'deploy-check.sqlite3'}",
        SAFERHUB_DATA_DIR=str(data_dir),
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, env=env, cwd=PROJECT, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """A fresh data directory: no database, no collected static files, as in CI."""
    return tmp_path_factory.mktemp("production")


def test_check_deploy_passes_with_only_the_throwaway_values(data_dir):
    """What CI runs: production settings, throwaway SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL, nothing else.

    Whatever an operator leaves unset must default to the safe choice, so the check reports nothing.
    """
    result = run(
        [*saferhub_command(), "check", "--deploy", "--fail-level", "WARNING"], production_env(data_dir)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key(data_dir):
    result = run([*saferhub_command(), "check"], production_env(data_dir, SECRET_KEY=None))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_never_signs_with_an_empty_secret_key(data_dir):
    """`SECRET_KEY=` (an empty line in an env file): nothing may be signed with it, sessions included."""
    sign = "import django; django.setup(); from django.core import signing; print(signing.dumps('x'))"
    result = run([sys.executable, "-c", sign], production_env(data_dir, SECRET_KEY=""))
    assert result.returncode != 0, result.stdout
    assert "SECRET_KEY" in result.stderr


PRINT_SETTINGS = """
import json
import django
from django.conf import settings
django.setup()
names = [
    "DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME",
    "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF", "ALLOWED_HOSTS",
]
print(json.dumps({name: getattr(settings, name) for name in names}))
"""


def test_production_security_settings(data_dir):
    result = run([sys.executable, "-c", PRINT_SETTINGS], production_env(data_dir))
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert values["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["ALLOWED_HOSTS"] == ["saferhub.example"]


def test_production_ignores_debug_from_the_environment(data_dir):
    """An operator's stray DEBUG=true must not turn on tracebacks with settings in production."""
    result = run([sys.executable, "-c", PRINT_SETTINGS], production_env(data_dir, DEBUG="true"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["DEBUG"] is False
