"""The load benchmark's simulated users, for `locust --headless` (started by benchmarks/load.py).

BENCH_LOAD_PLAN names a JSON file (written by load.py): for each role, its weight, the paths it visits and
the session keys of signed-in sessions, one per simulated user. BENCH_LOAD_TARGET is "pages" (each user
visits its role's pages at random) or "floor" (each user asks for /healthz with the same session and think
time: the same stack's middleware, with no page behind it).

Requests say they came through a TLS-terminating proxy (X-Forwarded-Proto, which production trusts), so
the production settings serve them; the session cookie is sent by hand because it is Secure and the
benchmark talks plain HTTP on the loopback.
"""

import itertools
import json
import os
import random
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task
from locust.env import Environment

PLAN = json.loads(Path(os.environ["BENCH_LOAD_PLAN"]).read_text())
TARGET = os.environ.get("BENCH_LOAD_TARGET", "pages")
FLOOR_PATH = "/healthz"
_sessions = {role: itertools.cycle(details["sessions"]) for role, details in PLAN["roles"].items()}


class RoleUser(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 2)

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        self.client.headers.update(
            {
                "Cookie": f"{PLAN['session_cookie']}={next(_sessions[self.role])}",
                "X-Forwarded-Proto": "https",
            }
        )
        self.pages = list(PLAN["roles"][self.role]["pages"].items())

    @task
    def visit(self) -> None:
        if TARGET == "floor":
            self._get("floor", FLOOR_PATH)
        else:
            name, path = random.choice(self.pages)  # noqa: S311
            self._get(f"{self.role}: {name}", path)

    def _get(self, name: str, path: str) -> None:
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}".strip())


def _role_user(role: str, weight: int) -> type[RoleUser]:
    attributes: dict[str, Any] = {"role": role, "weight": weight, "abstract": False}
    return type(f"{role.title().replace('_', '')}User", (RoleUser,), attributes)


for _role, _details in PLAN["roles"].items():
    globals()[f"{_role.title().replace('_', '')}User"] = _role_user(_role, _details["weight"])
