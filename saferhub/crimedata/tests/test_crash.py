"""A crime import killed between partitions leaves the store exactly as it was (a real process, SIGKILL)."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from saferhub.crimedata.tests import independent
from saferhub.crimedata.tests.conftest import DATA, POLICEUK

SAFERHUB = str(Path(sys.executable).with_name("saferhub"))


def _saferhub(env: dict[str, str], *args: str) -> str:
    return subprocess.run([SAFERHUB, *args], env=env, check=True, capture_output=True, text=True).stdout


def _leicester_counts(env: dict[str, str]) -> dict[tuple[str, str], int]:
    output = _saferhub(
        env, "crime_counts", "--area", "E06000016", "--from", "2022-01", "--to", "2023-12", "--format", "json"
    )
    return {(row["period"], row["category"]): row["count"] for row in json.loads(output)["counts"]}


def _partitions_of_2023(store: Path) -> int:
    return len(list((store / "partitions").glob("police.uk-street/leicestershire/2023-*/*.parquet")))


def test_killing_an_import_between_partitions_leaves_the_store_as_it_was(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SAFERHUB_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'crash.sqlite3'}",
    }
    _saferhub(env, "migrate", "--no-input")
    _saferhub(env, "import_geography", str(DATA / "ons"), str(DATA / "boundaries"))
    _saferhub(env, "import_crime", str(POLICEUK / "leicestershire-2022.zip"))
    before = _leicester_counts(env)

    worker = subprocess.Popen(
        [SAFERHUB, "import_crime", str(POLICEUK / "leicestershire-2023.zip")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while (
        _partitions_of_2023(tmp_path / "crime") < 3 and worker.poll() is None and time.monotonic() < deadline
    ):
        time.sleep(0.001)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    if worker.returncode != -signal.SIGKILL:
        pytest.fail(
            "the import finished before it could be killed; the machine is faster than this test assumes"
        )
    assert _partitions_of_2023(tmp_path / "crime") >= 3, "it was killed after writing some partitions"

    assert _leicester_counts(env) == before
    with sqlite3.connect(tmp_path / "crash.sqlite3") as database:
        months = database.execute(
            "SELECT count(*) FROM crimedata_partition WHERE month >= '2023-01-01'"
        ).fetchone()
    assert months == (0,)

    with sqlite3.connect(tmp_path / "crash.sqlite3") as database:
        database.execute("UPDATE crimedata_importrun SET updated_at = '2000-01-01' WHERE status = 'running'")
    check = _saferhub(env, "crime_store_check", "--repair")
    assert "orphan partition files removed" in check
    assert "1 imports marked failed." in check
    assert _partitions_of_2023(tmp_path / "crime") == 0

    _saferhub(env, "import_crime", str(POLICEUK / "leicestershire-2023.zip"))
    expected = independent.counts_by_month(
        [POLICEUK / "leicestershire-2022.zip", POLICEUK / "leicestershire-2023.zip"],
        independent.district_lsoas("E06000016"),
    )
    assert _leicester_counts(env) == dict(expected)
