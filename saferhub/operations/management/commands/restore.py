from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saferhub.operations.backup import BackupError, installation_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `saferhub backup` into an empty installation (a database `migrate` has "
        "not been run on, and an empty data directory). Every file is checked against its SHA-256 first; "
        "the database is then migrated to this version's schema and the aggregates are rebuilt from the "
        "restored partitions."
    )

    # Like `migrate`'s: the checks open the database, which may not exist yet; the restore says why instead.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, metavar="DIR")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = installation_restore(directory=options["directory"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the backup of {summary.made_at}: "
            f"the {summary.engine} database and {summary.files} files."
        )
        if summary.migrations_applied:
            self.stdout.write(
                "Migrated the database to this version: "
                f"applied {len(summary.migrations_applied)} migrations "
                f"({', '.join(summary.migrations_applied)})."
            )
        else:
            self.stdout.write("The database was already at this version's schema: no migrations to apply.")
        self.stdout.write(
            f"Rebuilt {summary.aggregates_rebuilt} aggregates; the store holds {summary.partitions} current "
            "partitions, all matching their manifest."
        )
