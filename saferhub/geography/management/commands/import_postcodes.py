from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saferhub.geography.readers import GeographyFileError
from saferhub.geography.services import postcodes_import


class Command(BaseCommand):
    help = (
        "Load the postcodes that resolve a case's or an incident's postcode to its LSOA and ward, from the "
        "ONS Postcode Directory or the National Statistics Postcode Lookup (the CSV file, or an extract of "
        "the force area's rows). Replaces the postcodes held; a bad row changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The CSV file.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            held = postcodes_import(path=options["path"])
        except GeographyFileError as error:
            raise CommandError(f"Nothing imported. {error}") from error
        self.stdout.write(f"{held} live postcodes held.")
