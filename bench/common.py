"""What the API, page and report card benchmarks share: the environment and Django set-up, the
scale-1 "big city" (reused when `make bench` has just generated it), a signed-in viewer, and where
the time of a request goes in this process (SQL, the rest, CPU, cProfile). Planboard under
gunicorn measured with wrk is in `servers`; the header, tables and PASS/FAIL lines in `printing`.

Every benchmark process sets DEBUG off, a throw-away SECRET_KEY and ALLOWED_HOSTS=127.0.0.1 in its
own environment before Django starts, so the gunicorn it launches, the subprocesses it runs and
the process itself agree on the secret (a session made here is valid in gunicorn) and measure the
production code paths (no query log, manifest static files).
"""

import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/planboard_bench"
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/2"
# The plan bench/recalculation.py generates at scale 1 in the same database: reused, not rebuilt.
SCALE_ONE_SLUG = "bench-1"
# ... and at scale 10 when asked (BENCH_SCALES=0.1,1,10): measured when present, never generated here.
SCALE_TEN_SLUG = "bench-10"
SEED = 2026
BENCH_USERNAME = "bench-viewer"
BENCH_LIAISON_USERNAME = "bench-liaison"
BENCH_SETTINGS = "bench.settings"
HELLO_PATH = "/bench/hello/"


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


def scale_ten_plan():
    """The scale-10 big city if bench/recalculation.py made it (BENCH_SCALES=0.1,1,10), else None."""
    from goals.models import Plan
    from planboard.citygen import GENERATED_MARK

    plan = Plan.objects.filter(slug=SCALE_TEN_SLUG).first()
    if plan is not None and plan.mission.startswith(f"{GENERATED_MARK} (scale 10,"):
        print(f"Reusing plan {SCALE_TEN_SLUG!r} (id {plan.pk}, generated at scale 10).", flush=True)
        return plan
    return None


def bench_liaison(plan):
    """A signed-in user with no global role: the liaison of one department of `plan`, who reads the
    enterprise plans and that department's plans only (the permission path of most city staff)."""
    from django.contrib.auth import get_user_model

    from goals.models import Department, DepartmentMembership

    department = (
        Department.objects.filter(is_active=True, initiatives__plan=plan).order_by("name").first()
        or Department.objects.filter(is_active=True).order_by("name").first()
    )
    if department is None:
        sys.exit(f"Plan {plan.slug!r} has no active department to make the benchmark's liaison a member of.")
    user, _ = get_user_model().objects.get_or_create(
        username=BENCH_LIAISON_USERNAME, defaults={"first_name": "Benchmark", "last_name": "Liaison"}
    )
    user.groups.clear()
    DepartmentMembership.objects.get_or_create(
        user=user, department=department, defaults={"role": DepartmentMembership.Role.LIAISON}
    )
    return user


def repeats_from_environment(default: int = 3) -> int:
    """BENCH_REPEATS, the runs per timing (a whole number, 1 or more); `default` when unset."""
    raw = os.environ.get("BENCH_REPEATS", str(default))
    if not raw.strip().isdigit() or int(raw) < 1:
        sys.exit(f"BENCH_REPEATS must be a whole number of runs, 1 or more, not {raw!r}.")
    return int(raw)


def collect_static() -> None:
    """Manifest static files for DEBUG off, in their own folder (BENCH_STATIC_ROOT), not var/static."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


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


def breakdown(client, paths: list[str], repeats: int, before_each=None) -> dict:
    """Mean milliseconds per request made in this process, split into SQL (statements sent and
    rows fetched) and the rest (middleware, view, ORM objects, serializer or template), and the
    CPU time this process spent, which other work on the cores moves less than wall time (on a
    virtual machine, CPU steal still inflates it). `before_each`, when given, is called before
    every request (to empty a cache, say), inside the timing."""
    from django.db import connection

    for path in paths:
        client.get(path)  # warm: the first request loads templates and URL patterns
    timer, started, cpu_started = SqlTimer(), time.perf_counter(), time.process_time()
    with connection.execute_wrapper(timer):
        for _ in range(repeats):
            for path in paths:
                if before_each is not None:
                    before_each()
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
