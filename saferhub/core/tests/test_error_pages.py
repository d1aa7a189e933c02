"""The error pages: the site's layout, plain words and a way back; the server error page needs nothing."""

from django.test import Client, RequestFactory

from saferhub.core import views

HOME_LINK = '<a class="govuk-link" href="/">Go to the home page</a>'
LAYOUT = '<header class="govuk-template__header">'
FOOTER = "Accessibility statement"


def assert_error_page(response, status, title):
    page = response.content.decode()
    assert response.status_code == status
    assert f'<h1 class="govuk-heading-l">{title}</h1>' in page
    assert f"<title>{title} – Saferhub</title>" in page
    assert LAYOUT in page
    assert FOOTER in page
    assert HOME_LINK in page
    return page


def test_an_unknown_address_gets_the_not_found_page(client, db):
    assert_error_page(client.get("/no-such-page/"), 404, "Page not found")


def test_another_partnerships_page_is_not_found_in_the_layout_with_the_navigation(client, world):
    client.force_login(world.people["other_manager"])
    page = assert_error_page(client.get("/p/alpha/"), 404, "Page not found")
    assert "Your partnerships" in page
    assert "Alpha Community Safety Partnership" not in page


def test_a_refused_action_gets_the_forbidden_page(client, world):
    client.force_login(world.people["board_member"])
    page = assert_error_page(client.get("/p/alpha/groups/new/"), 403, "You cannot do this")
    assert "Nothing has been changed" in page


def test_a_form_sent_without_its_security_token_gets_a_page_that_says_what_to_do(world):
    response = Client(enforce_csrf_checks=True).post("/sign-in/", {"email": "x@example.org", "password": "x"})
    page = assert_error_page(response, 403, "Sorry, that form could not be sent")
    assert "Go back, reload the page and try again" in page


def test_a_bad_request_gets_the_bad_request_page(client, db):
    response = client.get("/accessibility/", headers={"host": "not-allowed.example"})
    assert_error_page(response, 400, "Sorry, there is a problem with that request")


def test_a_view_that_raises_gets_the_server_error_page(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the view failed")

    monkeypatch.setattr("saferhub.partnerships.views.selectors.memberships_of", broken)
    client = Client(raise_request_exception=False)
    client.force_login(world.people["partnership_manager"])
    page = assert_error_page(client.get("/"), 500, "Sorry, there is a problem with the service")
    assert "the view failed" not in page
    assert "Sign out" not in page  # drawn without the session


def test_the_server_error_page_needs_no_database_or_session():
    """No `db` fixture here: any query would raise, and the page would fall back to its last resort."""
    request = RequestFactory().get("/")
    response = views.server_error(request)
    assert_error_page(response, 500, "Sorry, there is a problem with the service")


def test_the_server_error_page_still_answers_if_its_template_cannot_be_drawn(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("Missing staticfiles manifest entry")

    monkeypatch.setattr(views, "render_to_string", broken)
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
