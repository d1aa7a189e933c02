import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saferhub.crimedata.indicator_definitions import IndicatorFileError
from saferhub.crimedata.services import indicators_load
from saferhub.partnerships.selectors import partnership_by_slug


class Command(BaseCommand):
    help = (
        "Load indicators and indicator sets from a file (TOML or JSON; see docs/crime-data.md), matched on "
        "their slugs: loading the same file again changes nothing. Exit status 0 when loaded, 2 when the "
        "file has an error (and nothing changed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--partnership", help="The slug of the partnership they belong to; without it they are shared."
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object summarising the load.")

    def handle(self, *args: Any, **options: Any) -> None:
        partnership = None
        if options["partnership"]:
            partnership = partnership_by_slug(options["partnership"])
            if partnership is None:
                raise CommandError(f"No partnership has the slug '{options['partnership']}'")
        try:
            summary = indicators_load(path_or_text=options["path"], partnership=partnership)
        except IndicatorFileError as refused:
            self.stderr.write(f"Nothing loaded: {refused}")
            raise SystemExit(2) from refused
        if options["json"]:
            self.stdout.write(json.dumps(asdict(summary)))
            return
        for kind, outcomes in (("indicators", summary.indicators), ("sets", summary.sets)):
            counts = {
                outcome: list(outcomes.values()).count(outcome)
                for outcome in ("created", "updated", "unchanged")
            }
            self.stdout.write(
                f"{len(outcomes)} {kind}: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged."
            )
