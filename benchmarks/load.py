"""The load benchmark: the site under many signed-in users, on gunicorn, PostgreSQL and production settings.

It makes its own PostgreSQL database on the machine (127.0.0.1:5432 as postgres, trusted), migrates it,
loads the demo, serves it with gunicorn (config/gunicorn_conf.py, config.settings.production with a
throwaway SECRET_KEY), signs the demo users in, then runs locust headless twice with the same users and
think time: once over the pages each role uses, once against /healthz through the same middleware with
the same sessions (the floor). Then each page alone, one request at a time. Whatever happens (a failure,
Ctrl-C, SIGTERM), it stops gunicorn and locust and drops its database. See docs/benchmarks.md.
"""

import contextlib
import csv
import importlib.util
import json
import os
import secrets
import signal
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks import BENCH_DIR, PYTHON, ROOT, SAFERHUB
from benchmarks.report import Row

Say = Callable[[str], None]

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"  # trusted: no password
SESSION_COOKIE, CSRF_COOKIE = "__Host-sessionid", "__Host-csrftoken"  # production.py's names
# Simulated users of each role, out of ten: managers and analysts use the site most.
ROLE_WEIGHTS = {"manager": 3, "analyst": 3, "theme_lead": 2, "board_member": 2}
P95_TARGET_MS = 300
SINGLE_TARGET_MS = 50
FLOOR_RATIO_TARGET = 0.5


class LoadRefused(RuntimeError):
    """The load benchmark cannot run on this machine; the message says what is missing."""


@dataclass
class LoadResult:
    """One locust run: the whole run's figures (locust rounds its percentiles to two significant digits)."""

    requests: int
    failures: int
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    pages: dict[str, dict[str, float]]  # by page: requests, failures, p50, p95
    errors: list[str]
    load_average: tuple[float, float]  # the machine's 1-minute load average before and after the run


def load_benchmark(
    *, users: int, seconds: int, single_requests: int, port: int, say: Say
) -> tuple[list[Row], dict[str, Any], list[str]]:
    """Run it; the rows of the results table, the facts for results.json, and notes."""
    refusal = _refusal()
    if refusal:
        raise LoadRefused(f"The load benchmark cannot run: {refusal}")
    run_dir = BENCH_DIR / "runs" / "load"
    with _stopped_on_signal(), contextlib.ExitStack() as stack:
        database = stack.enter_context(_database(say))
        env = _environment(run_dir, database, port)
        _prepare(env, run_dir, say)
        setup = _load_plan(env)
        plan = setup["roles"]
        say(f"Load: gunicorn on 127.0.0.1:{port} (config/gunicorn_conf.py) ...")
        server = stack.enter_context(_gunicorn(env, run_dir, port))
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base, server)
        started = time.perf_counter()
        sessions = _sessions(base, plan, users=users, password=setup["password"])
        say(f"  {sum(map(len, sessions.values()))} sessions signed in, {time.perf_counter() - started:.1f} s")
        say("Load: queries and CPU time of each page, in one process ...")
        (run_dir / "pages.json").write_text(json.dumps(setup))
        costs = json.loads(
            _checked([PYTHON, "-m", "benchmarks.load_setup", str(run_dir / "pages.json")], env)
        )
        plan_path = run_dir / "locust-plan.json"
        plan_path.write_text(
            json.dumps(
                {
                    "session_cookie": SESSION_COOKIE,
                    "roles": {
                        role: {**details, "weight": ROLE_WEIGHTS[role], "sessions": sessions[role]}
                        for role, details in plan.items()
                    },
                }
            )
        )
        runs: dict[str, LoadResult] = {}
        for target in ("pages", "floor"):
            say(f"Load: {users} users, think time 1-2 s, {seconds} s, {target} ...")
            runs[target] = _locust(
                run_dir, plan_path, target=target, users=users, seconds=seconds, base=base, stack=stack
            )
            run = runs[target]
            say(
                f"  {run.requests_per_second:.1f} requests/s, p50 {run.p50_ms:g} ms, p95 {run.p95_ms:g} ms, "
                f"p99 {run.p99_ms:g} ms, {run.failures} errors of {run.requests}; "
                f"load average {run.load_average[0]:.1f} -> {run.load_average[1]:.1f}"
            )
        say(f"Load: each page alone, {single_requests} requests after 3 warm-up ...")
        single = {
            f"{role}: {name}": _single_user_median(base, sessions[role][0], path, single_requests)
            for role, details in plan.items()
            for name, path in details["pages"].items()
        }
        single["floor"] = _single_user_median(base, sessions["manager"][0], "/healthz", single_requests)
    return _summary(runs, single, costs, users=users, seconds=seconds)


def _refusal() -> str:
    """Why the benchmark cannot run here, or nothing."""
    # Found, not imported: importing locust patches this process's threads and sockets with gevent.
    if importlib.util.find_spec("locust") is None:
        return "locust is not installed: `make bench` installs the bench extra (pip install -e '.[bench]')."
    if not (ROOT / "build" / "static" / "css").exists():
        return "the site's CSS is not built (build/static): run `make assets` first."
    try:
        import psycopg

        psycopg.connect(f"{POSTGRES_URL}/postgres", connect_timeout=3).close()
    except Exception as error:  # any reason PostgreSQL cannot be reached is the same refusal
        return (
            "it needs PostgreSQL on 127.0.0.1:5432 where the user postgres may create databases "
            f"without a password ({str(error).strip().splitlines()[0]})."
        )
    return ""


@contextlib.contextmanager
def _stopped_on_signal() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C, so that the clean-up below runs either way."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _database(say: Say) -> Iterator[str]:
    """A new, empty database for this run, dropped afterwards whatever happened."""
    import psycopg

    name = f"saferhub_bench_load_{os.getpid()}"
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        say(f"Load: database {name} dropped.")


def _environment(run_dir: Path, database: str, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),  # throwaway: the sessions die with the database
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"{POSTGRES_URL}/{database}",
            "SAFERHUB_DATA_DIR": str(run_dir),
            "SAFERHUB_BASE_URL": f"http://127.0.0.1:{port}",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "STATIC_ROOT": str(_static_root()),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
        }
    )
    return env


def _static_root() -> Path:
    """Where the collected static files go: kept between runs while build/static stays the same, because
    collectstatic compresses every file (minutes on a busy machine)."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((ROOT / "build" / "static").rglob("*")):
        if path.is_file():
            digest.update(
                f"{path.relative_to(ROOT)} {path.stat().st_size} {path.stat().st_mtime_ns}\n".encode()
            )
    return BENCH_DIR / "static" / digest.hexdigest()[:12]


def _prepare(env: dict[str, str], run_dir: Path, say: Say) -> None:
    """A fresh data directory, the schema, the static files, the demo and what its pages need."""
    import shutil

    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    static_collected = (Path(env["STATIC_ROOT"]) / "staticfiles.json").exists()
    for step in (
        ["migrate", "--no-input", "-v", "0"],
        *([] if static_collected else [["collectstatic", "--no-input", "-v", "0"]]),
        ["load_demo"],
    ):
        started = time.perf_counter()
        _checked([str(SAFERHUB), *step], env)
        say(f"Load: saferhub {step[0]} {time.perf_counter() - started:.1f} s")


def _load_plan(env: dict[str, str]) -> dict[str, Any]:
    output = _checked([PYTHON, "-m", "benchmarks.load_setup"], env)
    return json.loads(output.strip().splitlines()[-1])


def _checked(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


@contextlib.contextmanager
def _gunicorn(env: dict[str, str], run_dir: Path, port: int) -> Iterator[subprocess.Popen]:
    """gunicorn in a process group of its own, stopped (its workers with it) when the block ends."""
    log = (run_dir / "gunicorn.log").open("wb")
    server = subprocess.Popen(  # noqa: S603
        [str(SAFERHUB.with_name("gunicorn")), "-c", str(ROOT / "config" / "gunicorn_conf.py"), "config.wsgi"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield server
    finally:
        _stop(server)
        log.close()


def _stop(process: subprocess.Popen) -> None:
    """Stop a process we started and its group (gunicorn's workers, locust's): politely, then firmly."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.returncode}): see var/bench/runs/load/gunicorn.log")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{base}/healthz", timeout=30).status_code == 200:
                return
        time.sleep(0.25)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s: see var/bench/runs/load/gunicorn.log")


def _signed_in(base: str, email: str, password: str) -> str:
    """A new signed-in session of this demo user, through the sign-in page: its session key.

    The cookies are Secure and the loopback is plain HTTP, so they are read and sent by hand, with the header
    a TLS-terminating proxy adds (production trusts X-Forwarded-Proto) and the Referer a browser sends.
    """
    import re

    import requests

    headers = {"X-Forwarded-Proto": "https", "Referer": f"https://{base.removeprefix('http://')}/sign-in/"}
    with requests.Session() as browser:
        page = browser.get(f"{base}/sign-in/", headers=headers, timeout=60)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        csrf_cookie = page.cookies.get(CSRF_COOKIE)
        if token is None or not csrf_cookie:
            raise RuntimeError(f"The sign-in page gave no CSRF token ({page.status_code})")
        signed_in = browser.post(
            f"{base}/sign-in/",
            headers={**headers, "Cookie": f"{CSRF_COOKIE}={csrf_cookie}"},
            data={"csrfmiddlewaretoken": token.group(1), "email": email, "password": password},
            allow_redirects=False,
            timeout=60,
        )
        session_key = signed_in.cookies.get(SESSION_COOKIE)
        if signed_in.status_code != 302 or not session_key:
            raise RuntimeError(f"{email} could not sign in ({signed_in.status_code})")
        return session_key


def _sessions(base: str, plan: dict[str, Any], *, users: int, password: str) -> dict[str, list[str]]:
    """One signed-in session for each simulated user, by role (four sign-ins at a time)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return {
            role: list(
                pool.map(
                    lambda email: _signed_in(base, email, password),
                    [details["email"]] * _users_of(role, users),
                )
            )
            for role, details in plan.items()
        }


def _users_of(role: str, users: int) -> int:
    """How many of the simulated users locust gives this role (one session each; at least one)."""
    return max(1, -(-users * ROLE_WEIGHTS[role] // sum(ROLE_WEIGHTS.values())))


def _locust(
    run_dir: Path,
    plan_path: Path,
    *,
    target: str,
    users: int,
    seconds: int,
    base: str,
    stack: contextlib.ExitStack,
) -> LoadResult:
    prefix = run_dir / f"locust-{target}"
    env = dict(os.environ, BENCH_LOAD_PLAN=str(plan_path), BENCH_LOAD_TARGET=target)
    command = [
        str(SAFERHUB.with_name("locust")),
        "-f",
        str(ROOT / "benchmarks" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users // 5)),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "5",
        "--reset-stats",  # the figures start once every user is running
        "--host",
        base,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    load_before = os.getloadavg()[0]
    with (run_dir / f"locust-{target}.log").open("wb") as log:
        process = subprocess.Popen(  # noqa: S603
            command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        stack.callback(_stop, process)
        try:
            process.wait(timeout=seconds + 120)
        except subprocess.TimeoutExpired as error:
            raise RuntimeError(f"locust did not stop: see {run_dir / f'locust-{target}.log'}") from error
    return _locust_figures(prefix, load_average=(load_before, os.getloadavg()[0]))


def _locust_figures(prefix: Path, *, load_average: tuple[float, float]) -> LoadResult:
    with Path(f"{prefix}_stats.csv").open() as stats:
        rows = list(csv.DictReader(stats))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    errors = []
    failures_path = Path(f"{prefix}_failures.csv")
    if failures_path.exists():
        with failures_path.open() as failures:
            errors = [
                f"{row['Name']}: {row['Error']} ({row['Occurrences']}x)" for row in csv.DictReader(failures)
            ]
    return LoadResult(
        requests=int(total["Request Count"]),
        failures=int(total["Failure Count"]),
        requests_per_second=float(total["Requests/s"]),
        p50_ms=float(total["50%"]),
        p95_ms=float(total["95%"]),
        p99_ms=float(total["99%"]),
        pages={
            row["Name"]: {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
            }
            for row in rows
            if row["Name"] != "Aggregated"
        },
        errors=errors,
        load_average=load_average,
    )


def _single_user_median(base: str, session_key: str, path: str, requests_count: int) -> float:
    """The median milliseconds of one page asked for again and again by one user, nothing else running."""
    import requests

    headers = {"Cookie": f"{SESSION_COOKIE}={session_key}", "X-Forwarded-Proto": "https"}
    times = []
    with requests.Session() as browser:
        for attempt in range(3 + requests_count):
            started = time.perf_counter()
            response = browser.get(f"{base}{path}", headers=headers, allow_redirects=False, timeout=60)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code} to a signed-in user")
            if attempt >= 3:
                times.append(elapsed * 1000)
    return round(statistics.median(times), 1)


def _summary(
    runs: dict[str, LoadResult],
    single: dict[str, float],
    costs: dict[str, dict[str, float]],
    *,
    users: int,
    seconds: int,
) -> tuple[list[Row], dict[str, Any], list[str]]:
    pages, floor = runs["pages"], runs["floor"]
    ratio = pages.requests_per_second / floor.requests_per_second if floor.requests_per_second else 0.0
    slowest = max((name for name in single if name != "floor"), key=single.__getitem__)
    notes = [
        f"Load, {users} users for {seconds} s each: pages {pages.requests_per_second:.1f} requests/s, "
        f"p50/p95/p99 {pages.p50_ms:g}/{pages.p95_ms:g}/{pages.p99_ms:g} ms, {pages.failures} errors; "
        f"floor (/healthz, signed in) {floor.requests_per_second:.1f} requests/s, "
        f"p50/p95/p99 {floor.p50_ms:g}/{floor.p95_ms:g}/{floor.p99_ms:g} ms, {floor.failures} errors. "
        f"Pages' throughput is {ratio:.2f}x the floor's.",
        "Load, one user, median ms: " + ", ".join(f"{name} {ms:g}" for name, ms in single.items()) + ".",
        "Load, each page in one process (queries, of which writes; CPU ms): "
        + ", ".join(
            f"{name} {cost['queries']:g} ({cost['writes']:g}; {cost['cpu_ms']:g})"
            for name, cost in costs.items()
        )
        + ".",
        *(f"Load error: {error}" for run in runs.values() for error in run.errors[:10]),
    ]
    busiest = max(max(run.load_average) for run in runs.values())
    if busiest > (os.cpu_count() or 1):
        notes.append(
            f"The load average reached {busiest:.1f} on {os.cpu_count()} cores during the load runs "
            "(locust, PostgreSQL, gunicorn and anything else running): latencies include that queueing."
        )
    rows = [
        Row(
            job=f"load {users} users: pages (p50 {pages.p50_ms:g}, p99 {pages.p99_ms:g} ms)",
            rows=pages.requests,
            seconds=pages.p95_ms / 1000,
            cpu_seconds=None,
            rows_per_second=pages.requests_per_second,
            peak_rss_mb=None,
            ratio=ratio,
            target=f"p95 < {P95_TARGET_MS} ms, >= {FLOOR_RATIO_TARGET:g}x floor, no errors",
            met=pages.p95_ms < P95_TARGET_MS and ratio >= FLOOR_RATIO_TARGET and pages.failures == 0,
        ),
        Row(
            job=f"load {users} users: floor /healthz (p50 {floor.p50_ms:g}, p99 {floor.p99_ms:g} ms)",
            rows=floor.requests,
            seconds=floor.p95_ms / 1000,
            cpu_seconds=None,
            rows_per_second=floor.requests_per_second,
            peak_rss_mb=None,
            ratio=1.0,
            target="(baseline)",
            met=None,
        ),
        Row(
            job=f"load 1 user: slowest page median ({slowest})",
            rows=None,
            seconds=single[slowest] / 1000,
            cpu_seconds=None,
            rows_per_second=None,
            peak_rss_mb=None,
            ratio=None,
            target=f"every page < {SINGLE_TARGET_MS} ms median",
            met=single[slowest] < SINGLE_TARGET_MS,
        ),
    ]
    facts = {"users": users, "seconds": seconds, **{name: asdict(run) for name, run in runs.items()}}
    facts["single_user_median_ms"] = single
    facts["page_costs"] = costs
    facts["ratio_to_floor"] = round(ratio, 3)
    return rows, facts, notes
