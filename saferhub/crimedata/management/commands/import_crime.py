from typing import Any

from django.core.management.base import CommandError, CommandParser

from saferhub.accounts.models import User
from saferhub.crimedata.importing import ImportRefused, import_run_discard
from saferhub.crimedata.management.importing import ImportCommand
from saferhub.crimedata.models import ImportRun, ImportStatus
from saferhub.crimedata.services import crime_import


class Command(ImportCommand):
    help = (
        "Import police.uk street-level or outcomes files: CSVs, month folders, trees of them, or the zip "
        "archives police.uk serves. With --as EMAIL the import is that person's, and refused unless they may "
        "load those forces' police.uk data; without it, it is the installation operator's. Months already "
        "held that the files would change are listed and left alone unless --replace is given. Exit status 0 "
        "when the import committed (rows may have been rejected), 2 when nothing was imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--as",
            dest="as_email",
            metavar="EMAIL",
            help="Import as this person (a force-area partnership's analyst or manager, or a superuser).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace months already held that the files change (the replaced versions are kept).",
        )

    def run_import(self, options: dict[str, Any]) -> tuple[ImportRun, str]:
        actor = None
        if options["as_email"]:
            actor = User.objects.filter(email__iexact=options["as_email"], is_active=True).first()
            if actor is None:
                raise CommandError(f"--as {options['as_email']}: no active person has that email address")
        run = crime_import(paths=options["paths"], actor=actor, replace=options["replace"])
        if run.status == ImportStatus.AWAITING_CONFIRMATION:
            for change in run.changes:
                self.stderr.write(
                    f"{change['source']} {change['force']} {change['month']}: "
                    f"{change['rows_before']:,} rows held, {change['rows_after']:,} in the files"
                )
                for row in change["categories"]:
                    if row["before"] != row["after"]:
                        self.stderr.write(f"  {row['category']}: {row['before']:,} -> {row['after']:,}")
            import_run_discard(run=run, actor=actor)
            raise ImportRefused(
                f"the files would change {len(run.changes)} months already held (listed above); "
                "run again with --replace to replace them"
            )
        return run, "police.uk"
