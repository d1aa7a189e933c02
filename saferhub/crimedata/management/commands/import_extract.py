import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saferhub.crimedata.extracts import MappingError, extract_mapping_read
from saferhub.crimedata.services import ImportRefused, extract_import
from saferhub.crimedata.summaries import import_summary, summary_lines


class Command(BaseCommand):
    help = (
        "Import a force's or council's own crime or ASB extract (CSV or XLSX files, folders or zips of them) "
        "through a column mapping file (TOML or JSON; see docs/crime-data.md). Exit status 0 when the import "
        "committed (rows may have been rejected), 2 when nothing could be imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--mapping", required=True, type=Path, help="The column mapping file.")
        parser.add_argument(
            "--json", action="store_true", help="Print one JSON object summarising the import."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            mapping = extract_mapping_read(options["mapping"])
            run = extract_import(paths=options["paths"], mapping=mapping)
        except (MappingError, ImportRefused) as refused:
            self.stderr.write(f"Nothing imported: {refused}")
            raise SystemExit(2) from refused
        summary = import_summary(run)
        if options["json"]:
            self.stdout.write(json.dumps(summary))
            return
        for line in summary_lines(summary, source=mapping.source):
            self.stdout.write(line)
