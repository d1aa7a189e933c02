import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saferhub.crimedata.services import ImportRefused, crime_import
from saferhub.crimedata.summaries import import_summary, summary_lines


class Command(BaseCommand):
    help = (
        "Import police.uk street-level or outcomes files: CSVs, month folders, trees of them, or the zip "
        "archives police.uk serves. Exit status 0 when the import committed (rows may have been rejected), "
        "2 when nothing could be imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--json", action="store_true", help="Print one JSON object summarising the import."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = crime_import(paths=options["paths"])
        except ImportRefused as refused:
            self.stderr.write(f"Nothing imported: {refused}")
            raise SystemExit(2) from refused
        summary = import_summary(run)
        if options["json"]:
            self.stdout.write(json.dumps(summary))
            return
        for line in summary_lines(summary, source="police.uk"):
            self.stdout.write(line)
