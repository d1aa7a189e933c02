from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from saferhub.accounts.models import User
from saferhub.demo.loader import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Load the Leicester, Leicestershire and Rutland demo partnerships, plans and users (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--without-crime-data",
            action="store_true",
            help="Only partnerships, plans and people: skip the geography, police.uk data and extracts.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run = demo_load(with_evidence=not options["without_crime_data"])
        if run.created or run.loaded:
            made = ", ".join(f"{count} {kind}" for kind, count in sorted(run.created.items()))
            self.stdout.write(f"Demo loaded: {made or 'partnerships already there'}.")
            for line in run.loaded:
                self.stdout.write(f"  {line}")
        else:
            self.stdout.write("Demo already loaded; nothing changed.")
        self.stdout.write(f"\nSign in at {settings.SAFERHUB_BASE_URL}/sign-in/ as any of these demo users")
        self.stdout.write(f"(password for all: {DEMO_PASSWORD}):\n")
        for user in (
            User.objects.filter(email__endswith=".demo")
            .order_by("email")
            .prefetch_related("memberships__partnership")
        ):
            roles = "; ".join(f"{m.get_role_display()}, {m.partnership.name}" for m in user.memberships.all())
            self.stdout.write(f"  {user.email:<28} {roles}")
