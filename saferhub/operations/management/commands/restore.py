from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saferhub.operations.backup import BackupError, installation_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `saferhub backup` into an empty installation (a database `migrate` has "
        "not been run on, and a new data directory). Every file is checked against its SHA-256 first; "
        "the aggregates are rebuilt from the restored partitions. Run `saferhub migrate` afterwards."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, metavar="DIR")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = installation_restore(directory=options["directory"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the backup of {summary.made_at}: the {summary.engine} database, "
            f"{summary.files} files, "
            f"{summary.partitions} current partitions ({summary.aggregates_rebuilt} aggregates rebuilt)."
        )
