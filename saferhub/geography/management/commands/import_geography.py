import dataclasses
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saferhub.geography.readers import GeographyFileError
from saferhub.geography.services import geography_import


class Command(BaseCommand):
    help = (
        "Import the ONS geography (LSOA lookups, names, population, deprivation, centroids) and GeoJSON "
        "boundaries from files or folders. Give every file at once: the stored geography becomes what "
        "they describe. Each file is recognised by its header; a bad file or row stops the import and "
        "changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="Files, or folders to search for files.")
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = geography_import(paths=options["paths"])
        except GeographyFileError as error:
            raise CommandError(f"Nothing imported. {error}") from error
        if options["json"]:
            self.stdout.write(json.dumps(dataclasses.asdict(summary), indent=2))
            return
        for path, description, rows in summary.files:
            self.stdout.write(f"  {path}: {description} ({rows} read)")
        self.stdout.write(
            "Areas: " + ", ".join(f"{count} {level}" for level, count in sorted(summary.areas.items()))
        )
        placed = ", ".join(f"{count} by {method}" for method, count in sorted(summary.placements.items()))
        self.stdout.write(f"LSOAs placed: {placed}.")
        if summary.removed:
            self.stdout.write(f"Removed {summary.removed} areas and placements no file describes any more.")
        if summary.unplaced:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(summary.unplaced)} LSOA codes could not be placed (no lookup row, boundary or "
                    f"district of that name): {', '.join(summary.unplaced[:20])}"
                )
            )
