from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string

from saferhub.assessment.models import Assessment
from saferhub.assessment.report import assessment_report_pdf, report_of
from saferhub.partnerships.selectors import partnership_by_slug


class Command(BaseCommand):
    help = "Writes a strategic assessment's report as a tagged PDF (and, if asked, as HTML)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", required=True, help="The partnership's slug, e.g. leicester.")
        parser.add_argument("--period", required=True, help="The assessment's period, e.g. 2023/24.")
        parser.add_argument("--pdf", type=Path, help="Where to write the PDF.")
        parser.add_argument("--html", type=Path, help="Where to write the report as one HTML file.")
        parser.add_argument(
            "--public",
            action="store_true",
            help="The public version: aggregate figures, no partner's own scores.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["pdf"] and not options["html"]:
            raise CommandError("give --pdf FILE, --html FILE or both")
        partnership = partnership_by_slug(options["partnership"])
        if partnership is None:
            raise CommandError(f"there is no partnership '{options['partnership']}'")
        assessment = Assessment.objects.filter(partnership=partnership, label=options["period"]).first()
        if assessment is None:
            labels = ", ".join(partnership.assessments.values_list("label", flat=True)) or "none yet"
            raise CommandError(
                f"{partnership.name} has no assessment for '{options['period']}' (its assessments: {labels})"
            )
        for target in (options["pdf"], options["html"]):
            if target is not None and not target.parent.is_dir():
                raise CommandError(f"cannot write {target}: {target.parent} is not a folder")
        if options["html"]:
            report = report_of(assessment, public=options["public"])
            html = render_to_string(
                "assessment/report_print.html", {"report": report, "partnership": partnership}
            )
            options["html"].write_text(html, encoding="utf-8")
            self.stdout.write(f"Wrote {options['html']}")
        if options["pdf"]:
            options["pdf"].write_bytes(assessment_report_pdf(assessment, public=options["public"]))
            self.stdout.write(f"Wrote {options['pdf']}")
