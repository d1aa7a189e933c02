from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from saferhub.governance.services import review_reminder_days, reviews_remind


class Command(BaseCommand):
    help = (
        "Email each partnership's managers about the information sharing agreements whose review date is "
        "within GOVERNANCE_REVIEW_REMINDER_DAYS (default 30), once per review date, and mark the active "
        "agreements whose review date has come as due for review. Run it daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = reviews_remind(today=timezone.localdate())
        self.stdout.write(
            f"Reminded the managers of {sent.reminded} agreement{'s' if sent.reminded != 1 else ''} "
            f"(reviews within {review_reminder_days()} days); "
            f"{sent.due} agreement{'s' if sent.due != 1 else ''} now due for review."
        )
