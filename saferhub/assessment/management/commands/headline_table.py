import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saferhub.assessment.headline import (
    NO_DATA_HELD,
    headline_csv,
    headline_json,
    headline_table_for,
    periods_held,
    sorted_rows,
)
from saferhub.assessment.selectors import MOST_YEARS
from saferhub.core.csv import csv_text
from saferhub.core.months import month_parse
from saferhub.crimedata.counting import UnknownArea, area_scope, months_held
from saferhub.crimedata.selectors import indicator_set_for
from saferhub.partnerships.selectors import partnership_of_area

DEFAULT_SET = "policeuk-crime-types"


class Command(BaseCommand):
    help = (
        "The strategic assessment's headline table for an area: counts per year, the latest year-on-year "
        "change, the rate per 1,000 residents and whether the change is real."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--area", required=True, help="An ONS code (ward, LAD, CSP...) or a partnership's slug."
        )
        parser.add_argument("--period", choices=["financial-year", "rolling-12"], default="financial-year")
        parser.add_argument(
            "--years",
            type=int,
            default=None,
            help="How many periods (1 to 10; default: as many as the store holds data for, up to the last).",
        )
        parser.add_argument("--to", dest="month_to", required=True, help="The last month, YYYY-MM.")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument(
            "--indicators",
            default=DEFAULT_SET,
            help=f"The slug of a saved indicator set (default: {DEFAULT_SET}, the police.uk crime types).",
        )
        parser.add_argument(
            "--partnership", default="", help="Whose indicator set to look for first (default: the area's)."
        )
        parser.add_argument("--sort", choices=["order", "count", "change", "name"], default="order")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["years"] is not None and not 1 <= options["years"] <= MOST_YEARS:
            raise CommandError(f"--years must be from 1 to {MOST_YEARS}")
        try:
            last_month = month_parse(options["month_to"])
            area_scope(options["area"])
        except (ValueError, UnknownArea) as error:
            raise CommandError(str(error)) from error
        owner = partnership_of_area(options["partnership"] or options["area"])
        indicator_set = indicator_set_for(slug=options["indicators"], partnership=owner)
        if indicator_set is None:
            raise CommandError(
                f"there is no indicator set '{options['indicators']}': load one with load_indicators"
            )
        indicators = [member.indicator for member in indicator_set.members.select_related("indicator")]
        years = options["years"] or max(
            1,
            periods_held(
                held=months_held(sources=sorted({s for i in indicators for s in i.sources})),
                kind=options["period"],
                last_month=last_month,
                most=MOST_YEARS,
            ),
        )
        table = headline_table_for(
            area_code=options["area"],
            indicators=indicators,
            kind=options["period"],
            years=years,
            last_month=last_month,
        )
        for name, labels in table.no_data_held.items():
            self.stderr.write(f"{name}: {NO_DATA_HELD} for {', '.join(labels)}")
        rows = sorted_rows(table, options["sort"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(headline_json(table, rows)))
            return
        header, body = headline_csv(table, rows)
        self.stdout.write(csv_text(header, body), ending="")
