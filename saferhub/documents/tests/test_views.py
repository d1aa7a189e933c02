"""A document's pages as its readers meet them: progress, the made file, failures, and who may see it."""

import pytest

from saferhub.audit.models import AuditEvent
from saferhub.documents.making import FAILED_TEXT
from saferhub.documents.models import Document
from saferhub.documents.selectors import document_path
from saferhub.documents.services import document_request
from saferhub.documents.tests.conftest import NOTE


@pytest.fixture
def as_manager(sign_in):
    return sign_in("partnership_manager")


def ask(world, partnership=None):
    return document_request(
        actor=world.people["partnership_manager"],
        partnership=partnership or world.a,
        kind=NOTE,
        params={"title": "Minutes"},
    )


def page_of(document, slug="alpha"):
    return f"/p/{slug}/documents/{document.public_id}/"


def test_a_queued_document_shows_its_progress_and_a_way_to_check_without_javascript(
    as_manager, world, figures
):
    document = ask(world)
    page = as_manager.get(page_of(document)).content.decode()
    assert '<h1 class="govuk-heading-l">Minutes (PDF)</h1>' in page
    assert '<progress id="document-progress" max="100" value="0">' in page
    assert "Waiting to start: 0% done" in page
    assert f'href="{page_of(document)}">Check progress</a>' in page
    assert "js/task-progress.mjs" in page
    assert 'http-equiv="refresh"' not in page  # no automatic refresh (WCAG 2.2.1)
    progress = as_manager.get(page_of(document) + "progress.json").json()
    assert progress == {"status": "queued", "progress": 0, "active": True}
    assert as_manager.get(page_of(document) + "download/").url == page_of(document)  # nothing to download yet


def test_a_document_being_made_shows_how_far_it_has_got(as_manager, world, figures):
    document = ask(world)
    Document.objects.filter(pk=document.pk).update(status="making", progress=40)
    assert "Making the PDF: 40% done" in as_manager.get(page_of(document)).content.decode()
    assert as_manager.get(page_of(document) + "progress.json").json()["progress"] == 40


def test_the_made_file_is_served_and_its_download_audited(
    as_manager, world, figures, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = ask(world)
    page = as_manager.get(page_of(document)).content.decode()
    assert "<progress" not in page and "js/task-progress.mjs" not in page
    assert f'href="{page_of(document)}download/"' in page and "Download the PDF" in page
    assert as_manager.get(page_of(document) + "progress.json").json() == {
        "status": "made",
        "progress": 100,
        "active": False,
    }
    response = as_manager.get(page_of(document) + "download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="minutes.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.7 Minutes of Alpha")
    viewed = AuditEvent.objects.get(verb="viewed")
    assert (viewed.actor, viewed.partnership, viewed.target_id) == (
        world.people["partnership_manager"],
        world.a,
        str(world.a.public_id),
    )
    assert viewed.context == {"document": str(document.public_id), "kind": NOTE, "downloaded": "minutes.pdf"}


def test_a_failed_document_says_so_in_plain_words_and_can_be_tried_again(
    as_manager, world, figures, django_capture_on_commit_callbacks
):
    figures.fail_with = KeyError("Traceback: /srv/saferhub/var/documents")
    with django_capture_on_commit_callbacks(execute=True):
        failed = ask(world)
    page = as_manager.get(page_of(failed)).content.decode()
    assert "The PDF could not be made." in page
    assert FAILED_TEXT in page
    assert "Traceback" not in page and "/srv/" not in page and "KeyError" not in page
    assert "Try again" in page
    assert as_manager.get(page_of(failed) + "progress.json").json()["active"] is False

    figures.fail_with = None
    with django_capture_on_commit_callbacks(execute=True):
        response = as_manager.post(page_of(failed) + "try-again/")
    made = Document.objects.get(status="made")
    assert response.url == page_of(made)
    assert "Download the PDF" in as_manager.get(response.url).content.decode()


def test_trying_again_by_get_changes_nothing(as_manager, world, figures):
    document = ask(world)
    response = as_manager.get(page_of(document) + "try-again/")
    assert response.url == page_of(document)
    assert Document.objects.count() == 1


def test_another_partnerships_document_does_not_exist_for_them(client, world, figures):
    theirs = ask(world, partnership=world.b)
    client.force_login(world.people["partnership_manager"])
    for suffix in ("", "progress.json", "download/", "try-again/"):
        assert client.get(page_of(theirs, "alpha") + suffix).status_code == 404
        assert client.get(page_of(theirs, "beta") + suffix).status_code == 404
    client.force_login(world.people["other_manager"])
    assert client.get(page_of(ask(world), "alpha")).status_code == 404


def test_a_person_whose_role_may_not_read_it_is_refused_and_the_refusal_audited(client, world, figures):
    document = ask(world)
    client.force_login(world.people["theme_lead"])
    for suffix in ("", "progress.json", "download/"):
        assert client.get(page_of(document) + suffix).status_code == 403
    refused = AuditEvent.objects.filter(verb="refused", actor=world.people["theme_lead"])
    assert refused.count() == 3
    assert not AuditEvent.objects.filter(verb="viewed").exists()


def test_a_made_document_whose_file_is_gone_offers_to_make_it_again(
    as_manager, world, figures, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = ask(world)
    document_path(document).unlink()
    assert as_manager.get(page_of(document) + "download/").url == page_of(document)
    page = as_manager.get(page_of(document)).content.decode()
    assert "This PDF is no longer kept. Make it again from the figures as they stand now." in page
    assert not AuditEvent.objects.filter(verb="viewed").exists()
