"""What the import commands share: their arguments, exit statuses and output."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saferhub.crimedata.importing import ImportRefused
from saferhub.crimedata.models import ImportRun
from saferhub.crimedata.summaries import import_summary, summary_lines

# How many rejected rows a refused import lists on standard error.
REJECTIONS_SHOWN = 20


class ImportCommand(BaseCommand):
    """Exit status 0 when the import committed (rows may have been rejected), 2 when nothing was imported."""

    refusals: tuple[type[Exception], ...] = (ImportRefused,)
    # Django's system checks import every page's code (the assessment's statistics among it) before a
    # command runs: about a second that an import, which serves no page, need not pay each time it is run.
    # `saferhub check` and the deployment run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--json", action="store_true", help="Print one JSON object summarising the import."
        )

    def run_import(self, options: dict[str, Any]) -> tuple[ImportRun, str]:
        """Run the import; returns the run and the name of the source it stored rows as."""
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run, source = self.run_import(options)
        except self.refusals as refused:
            self.stderr.write(f"Nothing imported: {refused}")
            rejections = getattr(refused, "rejections", [])
            for rejection in rejections[:REJECTIONS_SHOWN]:
                self.stderr.write(
                    f"  {rejection.file} line {rejection.line}, {rejection.column}: {rejection.reason}"
                )
            if len(rejections) > REJECTIONS_SHOWN:
                self.stderr.write(f"  and {len(rejections) - REJECTIONS_SHOWN:,} more rejected rows")
            raise SystemExit(2) from refused
        summary = import_summary(run)
        if options["json"]:
            self.stdout.write(json.dumps(summary))
            return
        for line in summary_lines(summary, source=source):
            self.stdout.write(line)
