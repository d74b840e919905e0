"""Import benchmark: a 5,000-row status update file imported through `initiative_post_updates`.

Run it with `make bench` (a benchmark, not a test) or directly:
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/planboard_importbench .venv/bin/python bench/import_updates.py`.
With no DATABASE_URL it uses a fresh SQLite file under var/. The database is created (PostgreSQL)
and migrated when needed; the benchmark's own plan (slug bench-import-<pid>) is removed by the next run.

It builds a plan of 500 initiatives, writes a 5,000-row .xlsx (ten dated updates each), and times
`planboard.transfer.imports.import_file`: reading, checking every row, then posting every update
through the batch service in one transaction, plus the recalculation queued on commit (inline without a
broker). Target: at most 30 s (PASS/FAIL; exit status 1 on a FAIL). `--profile` prints where the
time goes (cProfile, by cumulative time).
"""

import cProfile
import datetime
import io
import os
import pstats
import sys
import time
from pathlib import Path

from common import ensure_postgres_database

ROOT = Path(__file__).resolve().parent.parent
ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "5000"))
PER_INITIATIVE = 10
MAX_SECONDS = 30.0
# One plan per run, named after the process, so two runs at once (make bench beside a manual run) keep apart.
SLUG = f"bench-import-{os.getpid()}"


def build_plan():
    """A fresh plan with ROWS / 10 initiatives, and the update file for them (built with bulk writes)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from goals.models import Plan
    from initiatives.models import Initiative
    from planboard.core.permissions import Role
    from planboard.transfer.layouts import UPDATES

    for old in Plan.objects.filter(slug__startswith="bench-import"):
        pid = old.slug.rsplit("-", 1)[-1]
        if not (pid.isdigit() and Path(f"/proc/{pid}").exists()):  # left by a run that has ended
            Initiative.objects.filter(plan=old).delete()
            old.delete()
    user, _ = get_user_model().objects.get_or_create(username="bench-import-cio")
    user.groups.add(Group.objects.get_or_create(name=Role.ADMIN)[0])
    plan = Plan.objects.create(title="Import benchmark", slug=SLUG, start_fiscal_year=2022, end_fiscal_year=2026)
    count = ROWS // PER_INITIATIVE
    Initiative.objects.bulk_create(
        Initiative(plan=plan, code=f"B-{n:04d}", title=f"Initiative {n}", start_date=datetime.date(2022, 7, 1))
        for n in range(count)
    )
    start = datetime.date(2023, 1, 31)
    rows = [[column.name for column in UPDATES.columns if not column.export_only]] + [
        [
            SLUG,
            f"B-{n:04d}",
            start + datetime.timedelta(days=30 * k),
            "on_track",
            5 + 9 * k,
            f"Update {k + 1} for initiative {n}: work continues as planned.",
        ]
        for n in range(count)
        for k in range(PER_INITIATIVE)
    ]
    return user, workbook(rows)


def workbook(rows: list[list]) -> io.BytesIO:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Status updates")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planboard.settings")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'var' / 'bench-import.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    (ROOT / "var").mkdir(exist_ok=True)
    ensure_postgres_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from initiatives.models import StatusUpdate
    from planboard.transfer.imports import import_file

    call_command("migrate", verbosity=0)
    user, upload = build_plan()
    size = len(upload.getvalue())
    profiler = cProfile.Profile() if "--profile" in sys.argv else None
    started, cpu_started = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    result = import_file(kind="updates", upload=upload, filename="bench.xlsx", user=user)
    if profiler:
        profiler.disable()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    stored = StatusUpdate.objects.filter(initiative__plan__slug=SLUG).count()
    print(
        f"import benchmark on {connection.vendor} ({connection.settings_dict['NAME']}), "
        f"load average {', '.join(f'{v:.2f}' for v in os.getloadavg())}"
    )
    print(
        f"{ROWS} rows, {size / 1024:.0f} KiB .xlsx: {seconds:.1f} s "
        f"({seconds / ROWS * 1000:.2f} ms per row; {cpu:.1f} s CPU in this process); {result.message}; "
        f"{stored} updates stored"
    )
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    ok = stored == ROWS and seconds <= MAX_SECONDS
    print(f"{'PASS' if ok else 'FAIL'}: at most {MAX_SECONDS:.0f} s for {ROWS} rows")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
