from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from saferhub.accounts.models import User
from saferhub.demo.loader import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Load the Leicester, Leicestershire and Rutland demo partnerships, plans and users (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = demo_load()
        if summary.created:
            made = ", ".join(f"{count} {kind}" for kind, count in sorted(summary.created.items()))
            self.stdout.write(f"Demo loaded: {made}.")
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
