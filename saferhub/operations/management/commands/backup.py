from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saferhub.operations.backup import BackupError, installation_backup


class Command(BaseCommand):
    help = (
        "Back up the installation into DIR (new or empty): the database (SQLite's backup API, or pg_dump) "
        "and the crime store files its manifest names, consistent with each other even while an import "
        "runs, with a backup.json listing every file's SHA-256 and the database's migrations. Readable by "
        "its owner alone (folders 0700, files 0600). Restore it with `saferhub restore DIR`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, metavar="DIR")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = installation_backup(directory=options["directory"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        for warning in summary.warnings:
            self.stderr.write(warning)
        self.stdout.write(
            f"Backed up the {summary.engine} database and {summary.files} files "
            f"({summary.size / 1_000_000:.1f} MB) into {summary.directory}."
        )
