from typing import Any

from saferhub.crimedata.management.importing import ImportCommand
from saferhub.crimedata.models import ImportRun
from saferhub.crimedata.services import crime_import


class Command(ImportCommand):
    help = (
        "Import police.uk street-level or outcomes files: CSVs, month folders, trees of them, or the zip "
        "archives police.uk serves. Exit status 0 when the import committed (rows may have been rejected), "
        "2 when nothing could be imported."
    )

    def run_import(self, options: dict[str, Any]) -> tuple[ImportRun, str]:
        return crime_import(paths=options["paths"]), "police.uk"
