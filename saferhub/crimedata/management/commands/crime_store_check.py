from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saferhub.crimedata.services import crime_store_check


class Command(BaseCommand):
    help = (
        "Check the crime store against its manifest: every current partition present and intact, no stray "
        "files, no import left running by a stopped process. --repair removes stray files, rebuilds stale "
        "aggregates and marks stopped imports failed. Exit status 1 when a current "
        "partition is missing or damaged (re-import that month)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repair", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        check = crime_store_check(repair=options["repair"])
        self.stdout.write(f"{check.partitions} current partitions.")
        for path in check.missing_files:
            self.stdout.write(f"Missing: {path}")
        for path in check.damaged_files:
            self.stdout.write(f"Damaged (checksum differs): {path}")
        if check.orphan_files:
            verb = (
                "orphan partition files removed"
                if options["repair"]
                else "orphan partition files (use --repair)"
            )
            self.stdout.write(f"{len(check.orphan_files)} {verb}.")
        if check.stopped_runs:
            state = (
                "marked failed"
                if options["repair"]
                else "stopped while running (use --repair to mark them failed)"
            )
            self.stdout.write(f"{len(check.stopped_runs)} imports {state}.")
        if check.aggregates_rebuilt:
            self.stdout.write(f"{check.aggregates_rebuilt} stale aggregates rebuilt.")
        if check.missing_files or check.damaged_files:
            raise SystemExit(1)
