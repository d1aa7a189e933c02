import datetime as dt
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saferhub.partnerships.selectors import partnership_by_slug
from saferhub.performance.services import reporting_round_open

QUARTER = re.compile(r"^(\d{4})/(\d{2})-Q([1-4])$")


def parse_quarter(text: str) -> tuple[int, int]:
    """'2025/26-Q2' -> (2025, 2)."""
    match = QUARTER.match(text)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise CommandError(f"--quarter must be a financial year quarter like 2025/26-Q2, not '{text}'")
    return int(match[1]), int(match[3])


class Command(BaseCommand):
    help = "Open a quarter's returns for every priority of the partnership's current plan (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", required=True, help="The partnership's slug")
        parser.add_argument("--quarter", required=True, help="For example 2025/26-Q2")
        parser.add_argument("--due", required=True, help="The date returns are due, YYYY-MM-DD")
        parser.add_argument("--remind-days-before", type=int, default=7)
        parser.add_argument("--remind-days-after", type=int, default=3)

    def handle(self, *args: Any, **options: Any) -> None:
        partnership = partnership_by_slug(options["partnership"])
        if partnership is None:
            raise CommandError(f"No partnership has the slug '{options['partnership']}'")
        year, quarter = parse_quarter(options["quarter"])
        try:
            due_on = dt.date.fromisoformat(options["due"])
        except ValueError as error:
            raise CommandError(f"--due must be a date like 2025-10-31, not '{options['due']}'") from error
        reporting_round, opened = reporting_round_open(
            actor=None,
            partnership=partnership,
            financial_year=year,
            quarter=quarter,
            due_on=due_on,
            remind_days_before=options["remind_days_before"],
            remind_days_after=options["remind_days_after"],
        )
        self.stdout.write(
            f"{reporting_round.label} for {partnership.name}: due {reporting_round.due_on:%d %B %Y}; "
            f"{len(opened)} return{'s' if len(opened) != 1 else ''} opened now, "
            f"{reporting_round.returns.count()} in all."
        )
