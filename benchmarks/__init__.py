"""Benchmarks of the crime data engine at national scale: `make bench`, or `python -m benchmarks`.

Not part of the test suite. Everything they write goes under var/bench/. Each measured job runs in a
fresh subprocess, so its peak memory is its own.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "var" / "bench"
SHARED_DATA = ROOT.parent / "shared" / "data"
PROJECT_DATA = ROOT / "data"
PYTHON = sys.executable
SAFERHUB = Path(sys.executable).with_name("saferhub")
ONS_LOOKUP = "lsoa11_to_ward19_to_lad19.csv"


def data_dir() -> tuple[Path, bool]:
    """The data folder to use, and whether it is the national one (../shared/data) or the project's copy."""
    if (SHARED_DATA / "ons" / ONS_LOOKUP).exists():
        return SHARED_DATA, True
    return PROJECT_DATA, False


@dataclass
class ChildResult:
    command: list[str]
    seconds: float
    cpu_seconds: float  # user + system time of the child: less sensitive than wall time to a busy machine
    peak_rss_mb: float
    load_average: tuple[float, float]  # 1-minute load average before and after: > 0.5 means company
    cpu_steal_share: float  # of all CPU time while it ran, the share the hypervisor took (/proc/stat)
    cpu_iowait_share: float  # of all CPU time while it ran, the share spent idle waiting on the disk
    others_cpu_share: float  # of the machine's CPU capacity while it ran, the share other processes used
    returncode: int
    stdout: str
    stderr: str

    def measurements(self) -> dict[str, Any]:
        """What every job's result records of its process, beside its own figures."""
        return {
            "cpu_seconds": self.cpu_seconds,
            "peak_rss_mb": self.peak_rss_mb,
            "load_average": self.load_average,
            "cpu_steal_share": self.cpu_steal_share,
            "cpu_iowait_share": self.cpu_iowait_share,
            "others_cpu_share": self.others_cpu_share,
        }

    def check(self, what: str) -> "ChildResult":
        if self.returncode != 0:
            raise RuntimeError(
                f"{what} failed (exit {self.returncode}): {' '.join(self.command)}\n{self.stderr[-3000:]}"
            )
        return self


def run_child(
    command: list[str], *, env: dict[str, str] | None = None, log: Path | None = None
) -> ChildResult:
    """Run one job in a fresh process; its wall time and its own peak RSS (wait4's rusage of that child)."""
    log_dir = log or BENCH_DIR / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    stamp = f"{time.time_ns()}"
    out_path, err_path = log_dir / f"{stamp}.out", log_dir / f"{stamp}.err"
    load_before = os.getloadavg()[0]
    stat_before = _cpu_times()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=ROOT)  # noqa: S603
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    stat_after = _cpu_times()
    result = ChildResult(
        command=command,
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        load_average=(load_before, os.getloadavg()[0]),
        cpu_steal_share=_share(stat_before, stat_after, 7),
        cpu_iowait_share=_share(stat_before, stat_after, 4),
        others_cpu_share=_others_share(stat_before, stat_after, usage.ru_utime + usage.ru_stime, seconds),
        returncode=process.returncode,
        stdout=out_path.read_text(errors="replace"),
        stderr=err_path.read_text(errors="replace"),
    )
    out_path.unlink()
    err_path.unlink()
    return result


def _cpu_times() -> list[int]:
    """The machine's CPU time counters (user, nice, system, idle, iowait, irq, softirq, steal, ...)."""
    try:
        with open("/proc/stat") as stat:
            return [int(value) for value in stat.readline().split()[1:]]
    except OSError:
        return []


def _share(before: list[int], after: list[int], field: int) -> float:
    """The share of the machine's CPU time in one /proc/stat field (4 iowait, 7 steal) between two reads."""
    if len(before) <= field or len(after) <= field:
        return 0.0
    total = sum(after) - sum(before)
    return round((after[field] - before[field]) / total, 3) if total else 0.0


def _others_share(before: list[int], after: list[int], own_cpu_seconds: float, seconds: float) -> float:
    """The share of the machine's CPU capacity that processes other than the job used while it ran."""
    if len(before) < 7 or len(after) < 7 or seconds <= 0:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    busy = sum(after[i] - before[i] for i in (0, 1, 2, 5, 6)) / ticks  # user nice system irq softirq
    return round(max(0.0, busy - own_cpu_seconds) / (seconds * (os.cpu_count() or 1)), 3)


def job_env(run_dir: Path) -> dict[str, str]:
    """The environment of a job: its own data directory and SQLite database under var/bench/."""
    env = dict(os.environ)
    env.update(
        {
            "SAFERHUB_DATA_DIR": str(run_dir),
            "DATABASE_URL": f"sqlite:///{run_dir / 'db.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
        }
    )
    return env


def saferhub_command(*args: str, profiled: bool = False) -> list[str]:
    """`saferhub <args>`: the console script itself, or, for a profiled run, the same entry point under
    cProfile (see saferhub_main)."""
    if not profiled:
        return [str(SAFERHUB), *args]
    return [PYTHON, "-c", "from benchmarks import saferhub_main; saferhub_main()", *args]


def saferhub_main() -> None:
    """The `saferhub` console script, run under cProfile when BENCH_PROFILE names a file."""
    django_setup()
    from django.core.management import execute_from_command_line

    argv = ["saferhub", *sys.argv[1:]]
    profile = os.environ.get("BENCH_PROFILE")
    if not profile:
        execute_from_command_line(argv)
        return
    import cProfile

    profiler = cProfile.Profile()
    try:
        profiler.runcall(execute_from_command_line, argv)
    finally:
        profiler.dump_stats(profile)


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def _migrations_key() -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((ROOT / "saferhub").glob("*/migrations/*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@dataclass
class Geography:
    template_db: Path
    national: bool
    migrate_seconds: float
    import_seconds: float
    import_peak_rss_mb: float
    summary: str
    cached: bool


def geography_template() -> Geography:
    """A migrated database with the ONS geography imported, built once and copied for every job."""
    data, national = data_dir()
    folder = BENCH_DIR / "geography" / f"{'national' if national else 'project'}-{_migrations_key()}"
    facts_path = folder / "facts.json"
    if facts_path.exists():
        facts = json.loads(facts_path.read_text())
        return Geography(template_db=folder / "db.sqlite3", national=national, cached=True, **facts)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    env = job_env(folder)
    migrate = run_child(saferhub_command("migrate", "--no-input", "-v", "0"), env=env).check("migrate")
    paths = [str(data / "ons")] + ([str(data / "boundaries")] if (data / "boundaries").exists() else [])
    imported = run_child(saferhub_command("import_geography", *paths), env=env).check("import_geography")
    lines = [line for line in imported.stdout.splitlines() if not line.startswith("  ")]
    facts = {
        "migrate_seconds": round(migrate.seconds, 2),
        "import_seconds": round(imported.seconds, 2),
        "import_peak_rss_mb": round(imported.peak_rss_mb, 1),
        "summary": " ".join(lines)[:600],
    }
    facts_path.write_text(json.dumps(facts, indent=2))
    return Geography(template_db=folder / "db.sqlite3", national=national, cached=False, **facts)


def engine_fingerprint() -> dict[str, str]:
    """Which engine was measured: the commit, and a hash of the crime data and geography sources."""
    digest = hashlib.sha256()
    for path in sorted([*ROOT.glob("saferhub/crimedata/*.py"), *ROOT.glob("saferhub/geography/*.py")]):
        digest.update(path.read_bytes())
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    ).stdout.strip()
    return {"commit": commit, "sources_sha256": digest.hexdigest()[:16]}


def fresh_run_dir(name: str, geography: Geography) -> Path:
    """An empty data directory with a fresh copy of the geography database."""
    run_dir = BENCH_DIR / "runs" / name
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    shutil.copyfile(geography.template_db, run_dir / "db.sqlite3")
    return run_dir
