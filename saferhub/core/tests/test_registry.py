"""Every app declares what it adds to the shared places, and every declaration points at something real."""

import re
from pathlib import Path

import pytest
from django.apps import AppConfig, apps
from django.conf import settings
from django.urls import URLResolver, get_resolver, reverse
from django.utils.module_loading import import_string, module_has_submodule
from ninja import Router

from saferhub.core.registry import (
    AppFeatures,
    authz_matrix_modules,
    demo_loaders,
    history_models,
    history_parts,
    navigation,
    registered_apps,
)

SECURITY_TESTS = Path(settings.BASE_DIR) / "tests" / "security"


def saferhub_apps() -> list[AppConfig]:
    return [config for config in apps.get_app_configs() if config.name.startswith("saferhub.")]


def apps_in_the_urlconf() -> set[str]:
    """The labels of the apps whose `urls` module config/urls.py includes (not the API's list of URLs)."""
    modules = [
        pattern.urlconf_module for pattern in get_resolver().url_patterns if isinstance(pattern, URLResolver)
    ]
    return {
        apps.get_containing_app_config(module.__name__).label
        for module in modules
        if getattr(module, "__name__", "").startswith("saferhub.")
    }


def test_every_app_with_models_or_pages_declares_its_features():
    undeclared = [
        config.label
        for config in saferhub_apps()
        if (config.models_module is not None or module_has_submodule(config.module, "urls"))
        and not isinstance(getattr(config, "features", None), AppFeatures)
    ]
    assert undeclared == []


def test_every_app_with_pages_is_on_the_partnership_page_or_says_why_not():
    registered = registered_apps()
    missing = [
        label
        for label in sorted(apps_in_the_urlconf())
        if not (features := registered.get(label, AppFeatures())).navigation
        and not features.not_in_navigation
    ]
    assert missing == []


def test_every_link_on_the_partnership_page_reverses_with_the_partnership_slug():
    for entry in navigation():
        assert reverse(entry.url_name, kwargs={"slug": "alpha"}).startswith("/p/alpha/"), entry


def test_the_links_are_in_a_single_order():
    orders = [entry.order for entry in navigation()]
    assert len(set(orders)) == len(orders)


def test_every_history_model_exists_with_a_public_id_a_partnership_and_its_history():
    for word, label in history_models().items():
        model = apps.get_model(label)
        assert re.fullmatch(r"[a-z]+", word), word
        assert model._meta.get_field("public_id").unique, label
        assert hasattr(model, "audit_partnership"), label
        assert hasattr(model, "history"), label


def test_every_record_with_parts_in_its_history_is_a_history_model_and_its_parts_have_history():
    models = history_models()
    for word, parts in history_parts().items():
        record = apps.get_model(models[word])
        part = apps.get_model(parts.model)
        assert part._meta.get_field(parts.record_field).related_model is record, word
        assert part._meta.get_field(parts.text_field), word
        assert hasattr(part, "history"), parts.model


def test_no_two_apps_claim_the_same_history_word():
    words = [word for features in registered_apps().values() for word in features.history_models]
    assert len(set(words)) == len(words)


def test_every_app_with_an_api_module_declares_its_router():
    for config in saferhub_apps():
        declared = getattr(config, "features", AppFeatures()).api_router
        if module_has_submodule(config.module, "api"):
            assert declared == f"{config.name}.api.router", config.label
            assert isinstance(import_string(declared), Router)
        else:
            assert declared is None, config.label


def test_every_app_with_a_demo_module_declares_its_loader():
    for config in saferhub_apps():
        declared = getattr(config, "features", AppFeatures()).demo_loader
        if module_has_submodule(config.module, "demo"):
            assert declared == f"{config.name}.demo.demo_load", config.label
        else:
            assert declared is None, config.label
    assert all(callable(import_string(loader)) for loader in demo_loaders())


def test_every_matrix_module_of_the_authorisation_matrix_is_declared_by_its_app():
    on_disk = {f"tests.security.{path.stem}" for path in SECURITY_TESTS.glob("matrix_*.py")}
    # The words every matrix module uses: they belong to no app.
    on_disk.discard("tests.security.matrix_words")
    declared = {module.__name__ for module in authz_matrix_modules()}
    assert declared == on_disk
    for module in authz_matrix_modules():
        assert isinstance(module.MATRIX, dict) and isinstance(module.RECORD_KWARGS, dict), module.__name__


@pytest.mark.parametrize(
    ("who", "links"),
    [
        (
            "board_member",
            [
                "Partnership plans and priorities",
                "Crime and ASB data",
                "Strategic assessments and priority setting",
                "Performance: measures, quarterly returns and board packs",
                "Funding: funds, rounds, applications and awards",
                "Problem places (JAGs)",
                "Information sharing agreements",
                "People and roles",
            ],
        ),
        (
            "partnership_manager",
            [
                "Partnership plans and priorities",
                "Crime and ASB data",
                "Strategic assessments and priority setting",
                "Performance: measures, quarterly returns and board packs",
                "Funding: funds, rounds, applications and awards",
                "Anti-social behaviour cases",
                "Problem places (JAGs)",
                "Anti-social behaviour reports",
                "Information sharing agreements",
                "People and roles",
                "Audit log",
                "Casework settings and letters",
                "Partnership settings",
            ],
        ),
    ],
)
def test_the_partnership_page_lists_the_apps_links_that_the_person_may_follow(client, world, who, links):
    client.force_login(world.people[who])
    page = client.get("/p/alpha/").content.decode()
    business = page.split("Partnership business</h2>", 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'<a class="govuk-link" href="/p/alpha/[^"]*">([^<]+)</a>', business) == links
