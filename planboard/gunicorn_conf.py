"""gunicorn's settings for Planboard: `gunicorn -c python:planboard.gunicorn_conf planboard.wsgi`.

docker-compose.yml, the Dockerfile and the benchmarks (bench/saves.py) start gunicorn with this
file, so what is measured is what is deployed. Each setting can be changed by an environment
variable; a value that is not a whole number stops start-up and names the variable.

The defaults were chosen by measurement (bench/saves.py: 50 editors saving at once on the scale-1
plan beside a Celery worker, on 2 cores; figures in the README, "Deployment"): sync workers, one
per core plus one. A save is CPU work (Python and PostgreSQL on the same cores), so workers
beyond the cores only share them: 3 sync workers answered 50 editors with a server p95 of
114-119 ms against 146-276 ms for 5 (the usual 2 per core + 1), and gthread (3 x 4 threads)
served more saves a second but each one slower (p95 344-519 ms). Set GUNICORN_WORKERS higher
where the database runs on other machines and requests wait on it more than they compute.

Put the city's HTTPS reverse proxy in front (it buffers slow clients, which sync workers cannot
afford); gunicorn listens on GUNICORN_BIND, 0.0.0.0:8000 by default.
"""

import multiprocessing
import os


def _whole(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < minimum:
        raise SystemExit(f"{name} must be a whole number, {minimum} or more, not {raw!r}.")
    return int(raw)


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = _whole("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = _whole("GUNICORN_THREADS", 1)
# A request still running after this many seconds is cut off and its worker replaced. Report
# cards render in the Celery worker; the plan export streams, and a plan too big to stream within
# this time (the ten-times city: about 1 GB in 2 minutes) is exported with `manage.py export_plan`.
timeout = _whole("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# Workers are replaced now and then (with jitter, not all at once), so a slow leak never grows.
max_requests = _whole("GUNICORN_MAX_REQUESTS", 2000, minimum=0)
max_requests_jitter = max_requests // 10
control_socket_disable = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
# Method, path, status and microseconds spent in Planboard, after the common log fields.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(D)sus'
