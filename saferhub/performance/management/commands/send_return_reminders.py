from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from saferhub.performance.services import return_reminders_send


class Command(BaseCommand):
    help = (
        "Email the reminders due today to the leads of open quarterly returns. Run it daily; a reminder of "
        "each kind goes once per return, however often it runs."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = return_reminders_send(today=timezone.localdate())
        self.stdout.write(f"Sent {sent} reminder{'s' if sent != 1 else ''}.")
