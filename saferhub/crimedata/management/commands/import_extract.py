from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from saferhub.crimedata.extracts import MappingError, extract_mapping_read
from saferhub.crimedata.importing import ImportRefused
from saferhub.crimedata.management.importing import ImportCommand
from saferhub.crimedata.models import ImportRun
from saferhub.crimedata.services import extract_import


class Command(ImportCommand):
    help = (
        "Import a force's or council's own crime or ASB extract (CSV or XLSX files, folders or zips of them) "
        "through a column mapping file (TOML or JSON; see docs/crime-data.md). Exit status 0 when the import "
        "committed (rows may have been rejected), 2 when nothing could be imported."
    )
    refusals = (MappingError, ImportRefused)

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--mapping", required=True, type=Path, help="The column mapping file.")

    def run_import(self, options: dict[str, Any]) -> tuple[ImportRun, str]:
        mapping = extract_mapping_read(options["mapping"])
        return extract_import(paths=options["paths"], mapping=mapping), mapping.source
