"""What the API, page and report card benchmarks share: the header, tables and PASS/FAIL lines,
the scale-1 "big city" (reused when `make bench` has just generated it), a signed-in viewer, and
Planboard under gunicorn measured with wrk.

Every benchmark process sets DEBUG off, a throw-away SECRET_KEY and ALLOWED_HOSTS=127.0.0.1 in its
own environment before Django starts, so the gunicorn it launches, the subprocesses it runs and
the process itself agree on the secret (a session made here is valid in gunicorn) and measure the
production code paths (no query log, manifest static files).
"""

import contextlib
import json
import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/planboard_bench"
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/2"
# The plan bench/recalculation.py generates at scale 1 in the same database: reused, not rebuilt.
SCALE_ONE_SLUG = "bench-1"
SEED = 2026
BENCH_USERNAME = "bench-viewer"
BENCH_SETTINGS = "bench.settings"
HELLO_PATH = "/bench/hello/"

# wrk prints percentiles only for 50/75/90/99; this script reports what the benchmarks need as one
# JSON line. wrk counts a status above 399 as an error ("non-2xx or 3xx"), so the pages are also
# checked for exactly 200 before each run (check_ok).
WRK_SCRIPT = """
local paths = {%(paths)s}
local n = 0
if #paths > 1 then
  request = function()
    n = n %% #paths + 1
    return wrk.format(nil, paths[n])
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %%d, "duration_us": %%d, "non2xx": %%d, "socket_errors": %%d, ' ..
    '"p50_ms": %%.3f, "p95_ms": %%.3f, "p99_ms": %%.3f, "max_ms": %%.3f}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
"""


# --- The environment and Django ------------------------------------------------------------


def bench_environment() -> str:
    """Set the production-like environment of this process (and its children); the database URL."""
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_urlsafe(32))
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
    # As in production (docker-compose.yml): one Redis cache shared by the workers, for throttle
    # counts, the data generation and cached API responses. Its own database number, away from
    # Celery's broker; tasks still run inline (no REDIS_URL).
    os.environ.setdefault("CACHE_URL", DEFAULT_CACHE_URL)
    # A signed-in caller may make 1,200 API requests a minute by default; wrk makes far more.
    os.environ["API_USER_REQUESTS_PER_MINUTE"] = "1000000000"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = BENCH_SETTINGS
    os.environ.setdefault("BENCH_STATIC_ROOT", str(ROOT / "var" / "bench-static"))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return url


def masked(url: str) -> str:
    """The database URL without its password, fit to print."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if at and ":" in credentials:
        credentials = credentials.split(":", 1)[0] + ":***"
    return f"{scheme}{sep}{credentials}{at}{host}"


def ensure_postgres_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database if it does not exist yet."""
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(url)
    if not config["ENGINE"].endswith("postgresql"):
        return
    server = psycopg2.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
    )
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            print(f"Created database {config['NAME']}.")
    server.close()


def django_start() -> str:
    """Environment, database, django.setup(), migrations and static files; the database URL."""
    url = bench_environment()
    ensure_postgres_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    collect_static()
    return url


def postgres_version() -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        return f"not PostgreSQL ({connection.vendor})"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return "PostgreSQL " + cursor.fetchone()[0]


# --- The data ------------------------------------------------------------------------------


def scale_one_plan():
    """The scale-1 big city: the plan bench/recalculation.py made, or a new one (`generate_city`)."""
    from django.core.management import call_command

    from goals.models import Plan
    from planboard.citygen import GENERATED_MARK

    plan = Plan.objects.filter(slug=SCALE_ONE_SLUG).first()
    wanted = f"{GENERATED_MARK} (scale 1,"
    if plan is not None and plan.mission.startswith(wanted):
        print(f"Reusing plan {SCALE_ONE_SLUG!r} (id {plan.pk}, generated at scale 1).", flush=True)
        return plan
    print(f"Generating plan {SCALE_ONE_SLUG!r} at scale 1 (manage.py generate_city; a few minutes)…", flush=True)
    call_command("generate_city", scale=1, seed=SEED, plan_slug=SCALE_ONE_SLUG, stdout=sys.stdout)
    return Plan.objects.get(slug=SCALE_ONE_SLUG)


def bench_viewer():
    """The benchmark's signed-in user: a member of the Viewer group, who reads every plan."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from planboard.core.permissions import Role

    user, _ = get_user_model().objects.get_or_create(
        username=BENCH_USERNAME, defaults={"first_name": "Benchmark", "last_name": "Viewer"}
    )
    user.groups.add(Group.objects.get(name=Role.VIEWER))
    return user


def collect_static() -> None:
    """Manifest static files for DEBUG off, in their own folder (BENCH_STATIC_ROOT), not var/static."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


# --- Printing ------------------------------------------------------------------------------


def git_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (" + uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def machine() -> str:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else ""
    )
    memory = ""
    if Path("/proc/meminfo").exists():
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    return f"nproc {len(os.sched_getaffinity(0))} ({cpu}){memory}, {platform.system()} {platform.release()}"


def load_average() -> str:
    """Other work on the same cores skews every figure: print it beside them."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def print_header(title: str, url: str, extra: dict[str, str]) -> None:
    """The benchmark's name, database, versions, machine and load, then `extra` lines."""
    import django

    print()
    print(title)
    print(f"  database    {masked(url)} ({postgres_version()})")
    print(f"  versions    Python {platform.python_version()}, Django {django.get_version()}, planboard {git_commit()}")
    print(f"  machine     {machine()}")
    print(f"  load        {load_average()} (1, 5, 15 min) at start")
    for label, text in extra.items():
        print(f"  {label:<11} {text}")
    print(flush=True)


def print_table(header: list[str], lines: list[list[str]]) -> None:
    """Right-aligned columns, like bench/recalculation.py's table."""
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    print(" | ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for line in lines:
        print(" | ".join(cell.rjust(w) for cell, w in zip(line, widths, strict=True)))


def print_verdicts(results: list[tuple[bool, str]]) -> bool:
    """PASS/FAIL per target; True when none failed."""
    for passed, target in results:
        print(f"{'PASS' if passed else 'FAIL'}  {target}")
    return all(passed for passed, _ in results)


# --- gunicorn and wrk ----------------------------------------------------------------------


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        sys.exit("wrk is not installed: `apt-get install -y wrk` as root (make bench does it when run as root).")
    return found


def wrk_version() -> str:
    result = subprocess.run([wrk_path(), "--version"], capture_output=True, text=True)
    return (result.stdout or result.stderr).splitlines()[0].split(" [")[0].strip()


def gunicorn_version() -> str:
    result = subprocess.run([str(BIN / "gunicorn"), "--version"], capture_output=True, text=True)
    return (result.stdout or result.stderr).strip().splitlines()[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(workers: int = 2, environment: dict[str, str] | None = None) -> Iterator[str]:
    """Planboard (with the benchmark's hello-world route) under gunicorn on loopback; its base URL.
    `environment` adds to or overrides this process's variables for the server."""
    port = _free_port()
    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--chdir",
            str(ROOT),
            "planboard.wsgi:application",
        ],
        cwd=ROOT,
        env={**os.environ, **(environment or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + HELLO_PATH, timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"gunicorn did not start; its log:\n{Path(log.name).read_text()[-3000:]}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        Path(log.name).unlink(missing_ok=True)


def check_ok(base: str, path: str, headers: dict[str, str], content_type: str) -> int:
    """Fail loudly unless `path` answers exactly 200 with `content_type`; the body's size in bytes."""
    request = urllib.request.Request(base + path, headers=headers)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            body = response.read()
            status, kind = response.status, response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        status, kind, body = error.code, error.headers.get("Content-Type", ""), error.read()
    if status != 200 or not kind.startswith(content_type):
        sys.exit(
            f"{path} answered {status} ({kind}), not 200 ({content_type}); the benchmark would measure "
            f"the wrong thing. Body: {body[:500]!r}"
        )
    return len(body)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect (to the sign-in page, say) is a failed check, not something to follow."""

    def redirect_request(self, *args, **kwargs):
        return None


def wrk(base: str, paths: list[str], *, headers: dict[str, str], threads: int, connections: int, seconds: int) -> dict:
    """One wrk run over `paths` (in turn); requests/s, p50/p95/p99 ms, non-2xx and socket errors."""
    quoted = ", ".join(json.dumps(path) for path in paths)
    with tempfile.NamedTemporaryFile("w", prefix="bench-wrk-", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"paths": quoted})
    try:
        command = [
            wrk_path(),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            script.name,
        ]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        result = subprocess.run(command + [base + paths[0]], capture_output=True, text=True)
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next((line for line in result.stdout.splitlines() if line.startswith("BENCH-JSON ")), None)
    if result.returncode != 0 or line is None:
        sys.exit(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    figures = json.loads(line.removeprefix("BENCH-JSON "))
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    if figures["non2xx"] or figures["socket_errors"]:
        sys.exit(
            f"wrk against {paths[0]} saw {figures['non2xx']} responses with status ≥ 400 and "
            f"{figures['socket_errors']} socket errors in {figures['requests']} requests: "
            f"the figures would not mean anything.\n{result.stdout}"
        )
    return figures


# --- Where the time goes (in this process) -------------------------------------------------


class SqlTimer:
    """A database execute wrapper that adds up the statements and the time spent in them."""

    def __init__(self) -> None:
        self.count, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def bench_client(*, user=None, headers: dict[str, str] | None = None):
    """Django's test client as 127.0.0.1 (ALLOWED_HOSTS), signed in as `user` or sending `headers`."""
    from django.test import Client

    extra = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in (headers or {}).items()}
    client = Client(HTTP_HOST="127.0.0.1", **extra)
    if user is not None:
        client.force_login(user)
    return client


def breakdown(client, paths: list[str], repeats: int) -> dict:
    """Mean milliseconds per request made in this process, split into SQL (statements sent and
    rows fetched) and the rest (middleware, view, ORM objects, serializer or template), and the
    CPU time this process spent, which other work on the cores moves less than wall time (on a
    virtual machine, CPU steal still inflates it)."""
    from django.db import connection

    for path in paths:
        client.get(path)  # warm: the first request loads templates and URL patterns
    timer, started, cpu_started = SqlTimer(), time.perf_counter(), time.process_time()
    with connection.execute_wrapper(timer):
        for _ in range(repeats):
            for path in paths:
                response = client.get(path)
                if response.status_code != 200:
                    sys.exit(f"{path} answered {response.status_code} in this process, not 200.")
    total, cpu, requests = time.perf_counter() - started, time.process_time() - cpu_started, repeats * len(paths)
    return {
        "total_ms": total * 1000 / requests,
        "sql_ms": timer.seconds * 1000 / requests,
        "queries": timer.count / requests,
        "other_ms": (total - timer.seconds) * 1000 / requests,
        "cpu_ms": cpu * 1000 / requests,
    }


def print_breakdown(rows: dict[str, dict]) -> None:
    """The table of breakdown() figures, one row per page or endpoint."""
    print_table(
        ["requested in this process", "total ms", "queries", "SQL ms", "everything else ms", "Django CPU ms"],
        [
            [
                name,
                f"{row['total_ms']:.1f}",
                f"{row['queries']:.0f}",
                f"{row['sql_ms']:.1f}",
                f"{row['other_ms']:.1f}",
                f"{row['cpu_ms']:.1f}",
            ]
            for name, row in rows.items()
        ],
    )


def print_profile(client, paths: list[str], repeats: int, lines: int = 30) -> None:
    """cProfile of `repeats` rounds of requests: the functions with the most cumulative time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeats):
        for path in paths:
            client.get(path)
    profiler.disable()
    print(f"\ncProfile, {repeats} x {len(paths)} request(s) to {paths[0]}{' …' if len(paths) > 1 else ''}:")
    pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats("cumulative").print_stats(lines)
