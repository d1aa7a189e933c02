"""The import summary, as `import_crime --json` prints it and the API returns it."""

from typing import Any

from saferhub.crimedata.models import ImportRun


def import_summary(run: ImportRun) -> dict[str, Any]:
    return {
        "files": run.files,
        "rows_read": run.rows_read,
        "rows_stored": run.rows_stored,
        "rows_rejected": run.rows_rejected,
        "rejections": run.rejections,
        "months": run.months,
        "forces": run.forces,
        "replaced": run.replaced,
        "notes": run.notes,
    }


def summary_lines(summary: dict[str, Any], *, source: str) -> list[str]:
    """The summary as the import commands print it for a person."""
    months = summary["months"]
    lines = [
        f"Imported {summary['rows_stored']:,} of {summary['rows_read']:,} rows from {len(summary['files'])} "
        f"files as {source} ({', '.join(summary['forces'])}; {months[0]} to {months[-1]})."
        if months
        else "No rows were stored."
    ]
    if summary["rows_rejected"]:
        lines.append(f"{summary['rows_rejected']:,} rows rejected, for example:")
        lines.extend(
            f"  {r['file']} line {r['line']}, {r['column']}: {r['reason']}"
            for r in summary["rejections"][:10]
        )
    lines.extend(f"Note: {note}" for note in summary["notes"])
    if summary["replaced"]:
        lines.append(f"Replaced {len(summary['replaced'])} months imported before.")
    return lines
