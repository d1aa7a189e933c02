"""The Jinja2 environment: our templates first, then the GOV.UK Frontend macros under their prefix."""

from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader

from saferhub.design_system.filters import register_filters


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options: Any) -> Environment:
    # Django's backend passes autoescape=True and a loader over the apps' jinja2/ folders.
    options["loader"] = ChoiceLoader(
        [
            options["loader"],
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    env = Environment(**options)  # noqa: S701
    env.globals.update({"static": static, "url": url, "static_prefix": settings.STATIC_URL})
    register_filters(env)
    return env
