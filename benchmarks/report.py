"""The results table, printed, and var/bench/results.json."""

import json
import os
import platform
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Row:
    job: str
    rows: int | None
    seconds: float | None
    cpu_seconds: float | None  # the child process's user + system time
    rows_per_second: float | None
    peak_rss_mb: float | None
    ratio: float | None  # vs the baseline: rows/s ÷ rows/s for ingest, baseline time ÷ time for counts
    target: str
    met: bool | None


def _number(value: float | None, spec: str) -> str:
    return "" if value is None else format(value, spec)


def table(rows: list[Row]) -> str:
    headers = (
        "job",
        "rows",
        "seconds",
        "CPU s",
        "rows/s",
        "peak RSS MB",
        "ratio vs baseline",
        "target",
        "met?",
    )
    cells = [
        (
            row.job,
            _number(row.rows, ","),
            ""
            if row.seconds is None
            else (f"{row.seconds:.4f}" if row.seconds < 1 else f"{row.seconds:.2f}"),
            _number(row.cpu_seconds, ".2f"),
            _number(row.rows_per_second, ",.0f"),
            _number(row.peak_rss_mb, ",.0f"),
            "" if row.ratio is None else f"{row.ratio:.2f}x",
            row.target,
            {True: "yes", False: "NO", None: ""}[row.met],
        )
        for row in rows
    ]
    widths = [max(len(str(line[i])) for line in [headers, *cells]) for i in range(len(headers))]
    numeric = {1, 2, 3, 4, 5, 6}

    def line(values: tuple) -> str:
        return " | ".join(
            str(value).rjust(width) if i in numeric else str(value).ljust(width)
            for i, (value, width) in enumerate(zip(values, widths, strict=True))
        )

    rule = "-+-".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(cells_row) for cells_row in cells)])


def machine() -> dict[str, object]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for text in cpuinfo.read_text().splitlines():
            if text.startswith("model name"):
                model = text.split(":", 1)[1].strip()
                break
    memory_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kb = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory_gb = round(total_kb / 1024**2, 1)
    nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S607
    return {
        "nproc": int(nproc) if nproc.isdigit() else os.cpu_count(),
        "memory_gb": memory_gb,
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def write_json(path: Path, *, rows: list[Row], facts: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"rows": [asdict(row) for row in rows], **facts}, indent=2, default=str))
