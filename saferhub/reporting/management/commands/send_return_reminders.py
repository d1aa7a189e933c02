from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from saferhub.reporting.services import every_reminder_send


class Command(BaseCommand):
    help = (
        "Email the reminders due today to the leads of open returns of every kind (theme leads' quarterly "
        "returns, funded projects' returns). Run it daily; a reminder of each kind goes once per return, "
        "however often it runs."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = every_reminder_send(today=timezone.localdate())
        total = sum(sent.values())
        self.stdout.write(f"Sent {total} reminder{'s' if total != 1 else ''}.")
        for kind, count in sent.items():
            self.stdout.write(f"  {kind}: {count}")
