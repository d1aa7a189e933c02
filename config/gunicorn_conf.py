"""gunicorn's settings for Saferhub: `gunicorn -c config/gunicorn_conf.py config.wsgi`.

Every value can be overridden on the command line or with GUNICORN_CMD_ARGS. The load benchmark
(benchmarks/load.py) serves with this file, so its figures are this configuration's.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Pages are CPU-bound Python (templates, figures): one process per core, plus one so that a core is never
# idle while a worker waits on PostgreSQL. More processes only queue for the same cores and use memory.
workers = int(os.environ.get("GUNICORN_WORKERS", (os.cpu_count() or 1) + 1))
# Threads cover a worker's waits on the database without another process's memory.
threads = int(os.environ.get("GUNICORN_THREADS", 2))
worker_class = "gthread"
# A worker imports Django and every app once, before forking: workers start at once and share memory.
preload_app = True
# A PDF is made in the request while issue 10's item 18 is open (up to about 20 s on two cores).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
keepalive = 5
# A worker is replaced after this many requests (with jitter), bounding any slow growth of its memory.
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# gunicorn's control socket (for gunicornc) is one path per user by default: two servers would share it.
control_socket_disable = os.environ.get("GUNICORN_CONTROL_SOCKET") is None
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")


def pre_fork(server: object, worker: object) -> None:
    """A database connection the preloaded application opened must not be shared by the forked workers."""
    from django.db import connections

    connections.close_all()
