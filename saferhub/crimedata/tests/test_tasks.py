"""An upload goes through the real database queue and its worker, as in `make run`."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from saferhub.audit.models import AuditEvent
from saferhub.crimedata.importing import upload_folder
from saferhub.crimedata.models import ImportRun, Partition
from saferhub.crimedata.tests.crime_files import street_file, upload

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def steward(world):
    """A's analyst, made a superuser: these tests have no geography, so no force-area partnership's analyst
    could load a force's police.uk data."""
    analyst = world.people["analyst"]
    analyst.is_superuser = True
    analyst.save()
    return analyst


# The worker closes its database connection when it stops, as a separate process would: the test runs outside
# a wrapping transaction so that is harmless, and on_commit fires as it does in production.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_an_upload_waits_in_the_queue_until_the_worker_imports_it(client, world, crime_store):
    analyst = steward(world)
    client.force_login(analyst)
    # Rows with no location: this test has no geography to place LSOAs in.
    response = upload(client, street_file("2023-01", good=0, no_location=30, bad=2))
    run = ImportRun.objects.get()
    assert response.url == f"/p/alpha/data/imports/{run.public_id}/"
    assert (run.status, run.progress) == ("queued", 0)
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert upload_folder(run).is_dir()
    assert not Partition.objects.exists()
    assert "Waiting to start: 0% done" in client.get(response.url).content.decode()

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    run.refresh_from_db()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert (run.status, run.progress, run.rows_stored, run.rows_rejected) == ("committed", 100, 30, 2)
    assert run.started_by == analyst
    assert Partition.objects.get().rows == 30
    assert not upload_folder(run).exists()
    assert AuditEvent.objects.filter(target_id=str(run.public_id), verb="created", actor=analyst).count() == 2
    page = client.get(response.url).content.decode()
    assert "<progress" not in page and 'http-equiv="refresh"' not in page
    assert "not a police.uk crime type" in page


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_a_refused_upload_is_refused_by_the_worker_and_its_page_says_why(client, world, crime_store):
    client.force_login(steward(world))
    upload(client, SimpleUploadedFile("notes.csv", b"Not,A,Police,File\n1,2,3,4\n", "text/csv"))
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    run = ImportRun.objects.get()
    assert run.status == "refused"
    assert "notes.csv: not a police.uk file" in run.error
    assert not Partition.objects.exists()
    assert not upload_folder(run).exists()
    page = client.get(f"/p/alpha/data/imports/{run.public_id}/").content.decode()
    assert "Nothing was imported." in page and "notes.csv: not a police.uk file" in page
