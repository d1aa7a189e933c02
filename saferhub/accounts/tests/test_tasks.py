"""The invitation email goes through the real database queue and its worker, as in `make run`."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from saferhub.partnerships import services
from saferhub.partnerships.models import Role

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# The worker closes its database connection when it stops, as a separate process would: the test runs
# outside a wrapping transaction so that is harmless, and on_commit fires as it does in production.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
@pytest.mark.parametrize("email", ["queued@alpha.example", "manager@beta.example"], ids=["new", "existing"])
def test_an_invitation_waits_in_the_queue_until_the_worker_sends_it(world, email):
    """To a new address (choose a password) and to an existing account (sign in to accept) alike."""
    services.membership_invitation_create(
        actor=world.people["partnership_manager"],
        partnership=world.a,
        email=email,
        name_given="Queued Person",
        organisation=world.records["a"]["membership"].organisation,
        role=Role.ANALYST,
    )
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert [message.to for message in mail.outbox] == [[email]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
