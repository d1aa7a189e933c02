"""Asking for a document and making it, with the fake kind of conftest.py and the immediate task backend."""

import datetime as dt

import pytest
import time_machine
from django.http import Http404
from django.utils import timezone

from saferhub.audit.models import AuditEvent
from saferhub.documents.making import FAILED_TEXT, GONE_TEXT, document_make
from saferhub.documents.models import Document
from saferhub.documents.registry import DocumentKind, DocumentUnavailable, document_kind_register
from saferhub.documents.selectors import document_file, document_path
from saferhub.documents.services import document_request
from saferhub.documents.tests.conftest import NOTE
from saferhub.documents.tests.fakes import note_kind


def ask(world, title="Minutes"):
    return document_request(
        actor=world.people["partnership_manager"], partnership=world.a, kind=NOTE, params={"title": title}
    )


def test_a_second_ask_while_one_is_queued_queues_nothing_more(
    world, figures, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        first = ask(world)
        second = ask(world)
    assert first == second
    assert (first.status, first.progress) == ("queued", 0)
    assert len(queued) == 1
    assert Document.objects.count() == 1
    created = AuditEvent.objects.get(target_id=str(first.public_id), verb="created")
    assert created.actor == world.people["partnership_manager"]
    assert created.context == {"params": {"title": "Minutes"}}


def test_the_worker_makes_it_once_and_the_made_one_is_what_the_next_ask_gets(
    world, figures, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = ask(world)
    document.refresh_from_db()
    assert (document.status, document.progress) == ("made", 100)
    assert figures.progress_seen == [50]
    assert document_file(document).read_bytes().startswith(b"%PDF-1.7 Minutes of Alpha")
    assert not list(document_path(document).parent.glob(".*.tmp"))  # written under a temporary name, renamed
    assert document_make(document_id=str(document.public_id)) is None  # a task delivered twice does nothing
    with django_capture_on_commit_callbacks() as queued:
        assert ask(world) == document
    assert not queued


def test_other_parameters_are_another_document(world, figures):
    assert ask(world, "Minutes") != ask(world, "Agenda")


def test_changed_figures_make_a_new_one_which_replaces_the_old_once_made(
    world, figures, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        old = ask(world)
    old.refresh_from_db()
    figures.version = 2
    with django_capture_on_commit_callbacks() as queued:
        new = ask(world)
    assert new != old and new.status == "queued"
    assert document_file(old) is not None  # kept until the new one is made
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    new.refresh_from_db()
    assert new.status == "made"
    assert b"figures version 2" in document_file(new).read_bytes()
    assert not Document.objects.filter(pk=old.pk).exists()
    assert not document_path(old).exists()
    made = AuditEvent.objects.get(target_id=str(new.public_id), verb="updated")
    assert made.context == {"status": "made", "replaced": [str(old.public_id)]}


def test_a_failed_render_says_so_in_plain_words_and_asking_again_makes_it(
    world, figures, django_capture_on_commit_callbacks
):
    figures.fail_with = RuntimeError("Traceback (most recent call last): /srv/saferhub/var/secret")
    with django_capture_on_commit_callbacks(execute=True):
        failed = ask(world)
    failed.refresh_from_db()
    assert (failed.status, failed.error) == ("failed", FAILED_TEXT)
    assert not document_path(failed).exists()
    figures.fail_with = None
    with django_capture_on_commit_callbacks(execute=True):
        again = ask(world)
    again.refresh_from_db()
    assert again != failed and again.status == "made"
    assert not Document.objects.filter(pk=failed.pk).exists()


def test_a_renderer_can_refuse_in_its_own_words(world, figures, django_capture_on_commit_callbacks):
    figures.fail_with = DocumentUnavailable("This partnership has no areas to count crime in.")
    with django_capture_on_commit_callbacks(execute=True):
        document = ask(world)
    document.refresh_from_db()
    assert document.error == "This partnership has no areas to count crime in."


def test_one_abandoned_by_its_worker_is_failed_and_made_again(
    world, figures, django_capture_on_commit_callbacks
):
    stuck = ask(world)
    Document.objects.filter(pk=stuck.pk).update(status="making")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        stuck.refresh_from_db()
        assert stuck.is_abandoned and not stuck.is_active
        with django_capture_on_commit_callbacks(execute=True):
            fresh = ask(world)
    fresh.refresh_from_db()
    assert fresh != stuck
    assert fresh.status == "made"
    assert not Document.objects.filter(pk=stuck.pk).exists()  # the made one replaced it


def test_a_kind_is_declared_once(figures):
    document_kind_register(note_kind(NOTE, figures))  # the same declaration again is harmless
    other = DocumentKind(name=NOTE, subject=lambda *_: None, fingerprint=lambda *_: "", render=lambda *_: b"")
    with pytest.raises(ValueError, match="already registered"):
        document_kind_register(other)


def test_a_document_of_a_removed_record_says_so(world, figures, django_capture_on_commit_callbacks):
    figures.fail_with = Http404("No such board pack")
    with django_capture_on_commit_callbacks(execute=True):
        document = ask(world)
    document.refresh_from_db()
    assert (document.status, document.error) == ("failed", GONE_TEXT)
