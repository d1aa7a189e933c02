"""What `make bench` reports: a comparison it cannot make fairly is refused with the reason, and the load
benchmark's figures are read from locust's own summary."""

import argparse
import importlib.util
from pathlib import Path

import pytest

from benchmarks import Geography
from benchmarks.__main__ import _assessment, _load
from benchmarks.load import _locust_figures, _users_of

STATS_HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
    "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,"
    "99.99%,100%"
)


def test_the_assessment_benchmark_is_not_run_without_the_national_data(tmp_path: Path) -> None:
    trimmed = Geography(
        template_db=tmp_path / "db.sqlite3",
        national=False,
        migrate_seconds=0,
        import_seconds=0,
        import_peak_rss_mb=0,
        summary="",
        cached=True,
    )
    args = argparse.Namespace(area="E06000016", last_year=2023, years=5, store_rows_per_year=1, seed=1)
    facts: dict = {}
    notes: list[str] = []
    said: list[str] = []
    rows = _assessment(args, trimmed, facts, notes, said.append)
    assert [row.met for row in rows] == [None]
    assert "not run" in rows[0].job
    assert "national ONS data" in notes[0]
    assert "agree" not in " ".join(said)


def test_the_load_figures_come_from_locusts_summary(tmp_path: Path) -> None:
    (tmp_path / "run_stats.csv").write_text(
        STATS_HEADER
        + "\nGET,manager: plan,10,1,40,45,20,90,2000,5.0,0.5,40,45,50,55,60,70,80,90,90,90,90"
        + "\n,Aggregated,10,1,40,45,20,90,2000,5.0,0.5,40,45,50,55,60,70,80,90,90,90,90\n"
    )
    (tmp_path / "run_failures.csv").write_text(
        "Method,Name,Error,Occurrences\nGET,manager: plan,302 /sign-in/,1\n"
    )
    figures = _locust_figures(tmp_path / "run", load_average=(0.5, 1.5))
    assert (figures.requests, figures.failures, figures.requests_per_second) == (10, 1, 5.0)
    assert (figures.p50_ms, figures.p95_ms, figures.p99_ms) == (40, 70, 90)
    assert figures.errors == ["manager: plan: 302 /sign-in/ (1x)"]


def test_every_role_gets_simulated_users_in_proportion() -> None:
    assert [_users_of(role, 50) for role in ("manager", "analyst", "theme_lead", "board_member")] == [
        15,
        15,
        10,
        10,
    ]


def test_without_postgresql_the_load_benchmark_says_so_and_the_others_still_run(monkeypatch) -> None:
    # locust is in the bench extra, which the test suite does not install: say it is there, so that the
    # missing PostgreSQL is what the benchmark finds.
    find_spec = importlib.util.find_spec

    def locust_found(name: str, *rest: object) -> object:
        return object() if name == "locust" else find_spec(name, *rest)

    monkeypatch.setattr(importlib.util, "find_spec", locust_found)
    monkeypatch.setattr("benchmarks.load.POSTGRES_URL", "postgres://postgres@127.0.0.1:1")
    facts: dict = {}
    notes: list[str] = []
    said: list[str] = []
    args = argparse.Namespace(only=None, load_users=1, load_seconds=1, load_single_requests=1, load_port=1)
    assert _load(args, facts, notes, said.append) == []
    assert "needs PostgreSQL on 127.0.0.1:5432" in notes[0]
    with pytest.raises(SystemExit, match="The load benchmark cannot run"):
        _load(argparse.Namespace(**{**vars(args), "only": ["load"]}), facts, notes, said.append)
