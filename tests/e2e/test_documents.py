"""A manager waits for a PDF the task worker makes: the progress page keeps itself current, then offers the
download; a failed one says so in plain words and is tried again. axe checks each state of the page."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from saferhub.documents import registry
from saferhub.documents.making import document_make
from saferhub.documents.services import document_request
from saferhub.documents.tests.fakes import Figures, note_kind
from saferhub.partnerships.tests.factories import PASSWORD
from tests.e2e.browsing import sign_in

NOTE = "e2e-note"


@pytest.fixture
def figures(monkeypatch, settings, tmp_path: Path) -> Figures:
    """The fake kind, with a queue nobody works: the test plays the worker when it chooses."""
    settings.SAFERHUB_DATA_DIR = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    figures = Figures()
    monkeypatch.setitem(registry.KINDS, NOTE, note_kind(NOTE, figures))
    return figures


def test_the_progress_page_follows_the_worker_to_the_download(page: Page, axe, world, figures):
    manager = world.people["partnership_manager"]
    document = document_request(actor=manager, partnership=world.a, kind=NOTE, params={"title": "Minutes"})
    sign_in(page, manager.email, password=PASSWORD, lands_on="Your partnerships")

    page.goto(f"/p/alpha/documents/{document.public_id}/")
    expect(page.get_by_role("heading", name="Minutes (PDF)")).to_be_visible()
    expect(page.get_by_text("Waiting to start: 0% done")).to_be_visible()
    expect(page.get_by_role("link", name="Check progress")).to_be_visible()
    axe.check(page)

    document_make(document_id=str(document.public_id))  # the worker makes it while the person watches
    download_button = page.get_by_role("button", name="Download the PDF")
    expect(download_button).to_be_visible(timeout=15_000)  # the page's script saw it finish and reloaded
    expect(page.get_by_test_id("made")).to_contain_text("It is kept until they change")
    axe.check(page)
    with page.expect_download() as download:
        download_button.click()
    assert download.value.suggested_filename == "minutes.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-1.7 Minutes")


def test_a_failed_pdf_says_why_and_is_tried_again(page: Page, axe, world, figures):
    manager = world.people["partnership_manager"]
    figures.fail_with = RuntimeError("Traceback: /srv/saferhub/var")
    failed = document_request(actor=manager, partnership=world.a, kind=NOTE, params={"title": "Agenda"})
    document_make(document_id=str(failed.public_id))
    sign_in(page, manager.email, password=PASSWORD, lands_on="Your partnerships")

    page.goto(f"/p/alpha/documents/{failed.public_id}/")
    expect(page.get_by_text("The PDF could not be made.")).to_be_visible()
    expect(page.get_by_test_id("problem")).to_contain_text("Try again; if it fails again")
    expect(page.locator("main")).not_to_contain_text("Traceback")
    axe.check(page)

    figures.fail_with = None
    page.get_by_role("button", name="Try again").click()
    expect(page).to_have_url(re.compile(r"/p/alpha/documents/[0-9a-f-]+/$"))
    expect(page.get_by_text("Waiting to start: 0% done")).to_be_visible()
    assert str(failed.public_id) not in page.url  # a new attempt, with a page of its own
    axe.check(page)
