"""gunicorn's settings for Planboard: `gunicorn -c python:planboard.gunicorn_conf planboard.wsgi`.

docker-compose.yml, the Dockerfile and the benchmarks (bench/saves.py) start gunicorn with this
file, so what is measured is what is deployed. Each setting can be changed by an environment
variable; a value that is not a whole number stops start-up and names the variable.

The defaults were chosen by measurement (bench/saves.py, 50 editors saving at once on the scale-1
plan beside a Celery worker; the README's "Operations" section has the figures):
sync workers, two per core plus one. Each sync worker handles one request at a time and the
kernel queues the others, so a request's time inside Planboard stays its own work; threads in a
worker (gthread) share one interpreter lock and made every save slower under load.

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
workers = _whole("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = _whole("GUNICORN_THREADS", 1)
# A request still running after this many seconds is cut off and its worker replaced; large
# answers stream (the plan export) and report cards render in the Celery worker.
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
