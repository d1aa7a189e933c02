"""Typed readers for settings that come from the environment; a malformed value fails loudly."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    """A setting's text; without a default, the variable must be set and not blank."""
    value = os.environ.get(name, default)
    if value is None or (default is None and not value.strip()):
        raise ImproperlyConfigured(f"Set the environment variable {name}.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.strip().lower() in _TRUE:
        return True
    if raw.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from error


def env_mailers(*, default_backend: str) -> dict[str, dict[str, object]]:
    """Django's MAILERS from EMAIL_BACKEND and, for SMTP, EMAIL_HOST, EMAIL_PORT and the rest."""
    backend = env_str("EMAIL_BACKEND", default_backend)
    options: dict[str, object] = {}
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 587),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
        }
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]
