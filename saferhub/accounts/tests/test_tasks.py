"""The invitation email goes through the real database queue and its worker, as in `make run`."""

from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from saferhub.partnerships import services
from saferhub.partnerships.models import Role

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@override_settings(TASKS=DATABASE_QUEUE)
def test_an_invitation_waits_in_the_queue_until_the_worker_sends_it(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_add_person(
            actor=world.people["partnership_manager"],
            partnership=world.a,
            email="queued@alpha.example",
            full_name="Queued Person",
            organisation=world.records["a"]["membership"].organisation,
            role=Role.ANALYST,
        )
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert [message.to for message in mail.outbox] == [["queued@alpha.example"]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
