import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from saferhub.core.csv import csv_text
from saferhub.core.months import month_parse
from saferhub.crimedata.counting import CountFilter, UnknownArea, area_scope, period_counts


def _month(text: str) -> dt.date:
    try:
        return month_parse(text)
    except ValueError as error:
        raise CommandError(str(error)) from error


class Command(BaseCommand):
    help = "Counts of crimes in an area by period, from the crime store."
    # As for the imports (management/importing.py): a query serves no page, so it skips the system checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--area",
            required=True,
            help="An ONS code (LSOA, ward, LAD, CSP, force area) or a partnership's slug.",
        )
        parser.add_argument("--period", choices=["month", "calendar-year", "financial-year"], default="month")
        parser.add_argument("--from", dest="month_from", default="2010-12", help="First month, YYYY-MM.")
        parser.add_argument(
            "--to", dest="month_to", default=None, help="Last month, YYYY-MM (default: this month)."
        )
        parser.add_argument("--by", choices=["category", "ward", "lsoa"], default="category")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--source", default="police.uk-street")

    def handle(self, *args: Any, **options: Any) -> None:
        month_from = _month(options["month_from"])
        month_to = _month(options["month_to"]) if options["month_to"] else timezone.localdate().replace(day=1)
        if month_to < month_from:
            raise CommandError("--to is before --from")
        try:
            scope = area_scope(options["area"])
        except UnknownArea as error:
            raise CommandError(str(error)) from error
        by = options["by"]
        rows = period_counts(
            scope=scope,
            what=CountFilter(sources=(options["source"],)),
            period=options["period"],
            month_from=month_from,
            month_to=month_to,
            by=by,
        )
        extra = [] if by == "category" else [by]
        records = [
            {
                "period": row["period"],
                "category": row["category"],
                **dict.fromkeys(extra, row["key"]),
                "count": row["count"],
            }
            for row in rows
        ]
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {"area": scope.code, "name": scope.name, "period": options["period"], "counts": records}
                )
            )
            return
        # A local extract's categories are the force's own words: one that looks like a formula opens as text.
        header = ["period", "category", *extra, "count"]
        table = ([record[column] for column in header] for record in records)
        self.stdout.write(csv_text(header, table, line_end="\n"), ending="")
