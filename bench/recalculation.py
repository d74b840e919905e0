"""Recalculation benchmark: how long a full `plan_recalculate` takes on the "big city".

Run it with `make bench` (a benchmark, not a test). For each scale in BENCH_SCALES (default
"0.1,1"; add 10 with BENCH_SCALES=0.1,1,10) it generates the city into the database in
DATABASE_URL (PostgreSQL is the target; the database is created when missing), then measures
(BENCH_REPEATS runs per timing, default 3):

- generate s: `planboard.citygen.city_generate`, without deleting the previous run's plan;
- recalc s: a full `plan_recalculate(plan_id=...)` (no snapshot: the run after every change),
  best and median of three;
- queries: how many statements one recalculation issues (it must not grow with the plan);
- SQL yardstick s: one hand-written statement doing the heart of the same work — per objective,
  the mean progress of the counted initiatives that support it and the mean attainment of its
  metrics from each metric's latest reading — best of three; ratio = recalc best / yardstick
  best (best-of-n is the figure least moved by other work on the machine; the ratio of medians is
  printed beside it). The benchmark checks that the yardstick agrees with the figures the
  recalculation stored.

Targets (PASS/FAIL, exit status 1 on a FAIL): at scale 1 and at every larger scale run (10 with
BENCH_SCALES=0.1,1,10: opt-in, since generating it takes minutes) on PostgreSQL the median
recalculation takes at most 2 s; at scale 1 its best time is at most 5x the yardstick's best; the
query count is the same at every scale. Times are printed as min/median/max of the runs. The
machine's load average is printed too: on shared cores every figure moves with it.
"""

import os
import platform
import statistics
import sys
import time
from pathlib import Path

from common import ensure_postgres_database, masked
from printing import git_commit, load_average, machine

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/planboard_bench"
ROOT = Path(__file__).resolve().parent.parent
SEED = 2026
MAX_SECONDS = 2.0
MAX_RATIO_TO_YARDSTICK = 5.0

YARDSTICK_SQL = """
SELECT o.id,
       (SELECT avg(CASE WHEN i.status = 'completed' THEN 1.0
                        ELSE LEAST(GREATEST(i.percent_complete / 100.0, 0), 1) END)
          FROM {supports} s JOIN {initiative} i ON i.id = s.initiative_id
         WHERE s.objective_id = o.id AND i.plan_id = %(plan)s AND i.status NOT IN ('cancelled', 'on_hold')
       ) AS initiative_mean,
       (SELECT avg(LEAST(GREATEST((latest.value - m.baseline) / (m.target - m.baseline), 0), 1))
          FROM {metric} m
          CROSS JOIN LATERAL (SELECT r.value FROM {reading} r WHERE r.metric_id = m.id
                              ORDER BY r.period_end DESC LIMIT 1) AS latest
         WHERE m.objective_id = o.id AND m.target <> m.baseline
       ) AS metric_mean
  FROM {objective} o JOIN {goal} g ON g.id = o.goal_id
 WHERE g.plan_id = %(plan)s
"""


def parse_repeats(raw: str) -> int:
    if not raw.strip().isdigit() or int(raw) < 1:
        sys.exit(f"BENCH_REPEATS must be a whole number of runs, 1 or more, not {raw!r}.")
    return int(raw)


# Runs per timing; BENCH_REPEATS=7 steadies the figures on a busy machine.
REPEATS = parse_repeats(os.environ.get("BENCH_REPEATS", "3"))


def parse_scales(raw: str) -> list[float]:
    try:
        scales = [float(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        sys.exit(f"BENCH_SCALES must be a comma-separated list of numbers such as 0.1,1,10, not {raw!r}.")
    if not scales or any(not 0 < s <= 50 for s in scales):
        sys.exit(f"BENCH_SCALES must list scales above 0 and at most 50, not {raw!r}.")
    return scales


def timed(function, repeats: int = REPEATS) -> tuple[list[float], object]:
    seconds, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - started)
    return seconds, result


def yardstick(plan_id: int) -> list[tuple]:
    from django.db import connection

    from goals.models import Goal, Metric, MetricReading, Objective
    from initiatives.models import Initiative

    tables = {
        "supports": Initiative.supports.through,
        "initiative": Initiative,
        "metric": Metric,
        "reading": MetricReading,
        "objective": Objective,
        "goal": Goal,
    }
    statement = YARDSTICK_SQL.format(**{k: connection.ops.quote_name(m._meta.db_table) for k, m in tables.items()})
    with connection.cursor() as cursor:
        cursor.execute(statement, {"plan": plan_id})
        return cursor.fetchall()


def yardstick_disagreements(plan_id: int, rows: list[tuple]) -> int:
    """Objectives whose stored progress differs from what the yardstick's two means give."""
    from goals.models import Objective, Plan
    from planboard.core.progress import objective_progress

    share = float(Plan.objects.get(pk=plan_id).metric_share)
    stored = dict(Objective.objects.filter(goal__plan_id=plan_id).values_list("id", "progress"))
    wrong = 0
    for objective_id, initiative_mean, metric_mean in rows:
        expected = objective_progress(
            None if metric_mean is None else float(metric_mean),
            None if initiative_mean is None else float(initiative_mean),
            share,
        )
        actual = stored[objective_id]
        if (expected is None) != (actual is None) or (expected is not None and abs(expected - actual) > 1e-9):
            wrong += 1
    return wrong


def bench_scale(scale: float, on_postgres: bool) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from planboard.citygen import city_generate
    from reports.recalculation import plan_recalculate

    slug = "bench-" + f"{scale:g}".replace(".", "-")
    print(f"scale {scale:g}: generating plan {slug!r}…", flush=True)
    city = city_generate(scale=scale, seed=SEED, plan_slug=slug)
    generate_seconds = sum(s for step, s in city.timings.items() if step != "delete previous")
    print("  " + "; ".join(f"{step} {s:.2f} s" for step, s in city.timings.items()), flush=True)

    recalc, _ = timed(lambda: plan_recalculate(plan_id=city.plan_id))
    with CaptureQueriesContext(connection) as captured:
        plan_recalculate(plan_id=city.plan_id)
    row = {
        "scale": scale,
        "initiatives": city.counts["initiatives"],
        "readings": city.counts["readings"],
        "updates": city.counts["updates"],
        "generate": generate_seconds,
        "recalc_best": min(recalc),
        "recalc_median": statistics.median(recalc),
        "recalc_max": max(recalc),
        "queries": len(captured.captured_queries),
        "yardstick": None,
        "ratio": None,
    }
    if on_postgres:
        seconds, rows = timed(lambda: yardstick(city.plan_id))
        row["yardstick"], row["yardstick_median"] = min(seconds), statistics.median(seconds)
        row["ratio_median"] = row["recalc_median"] / row["yardstick_median"]
        row["ratio"] = row["recalc_best"] / row["yardstick"]
        wrong = yardstick_disagreements(city.plan_id, rows)
        print(
            f"  yardstick agrees with the stored figures on {len(rows) - wrong} of {len(rows)} objectives", flush=True
        )
    return row


def print_table(rows: list[dict]) -> None:
    header = [
        "scale",
        "initiatives",
        "readings",
        "updates",
        "generate s",
        "recalc s min/median/max",
        "queries",
        "SQL yardstick s best/median",
        "ratio recalc/yardstick best/median",
    ]
    lines = [
        [
            f"{r['scale']:g}",
            f"{r['initiatives']:,}",
            f"{r['readings']:,}",
            f"{r['updates']:,}",
            f"{r['generate']:.2f}",
            f"{r['recalc_best']:.3f} / {r['recalc_median']:.3f} / {r['recalc_max']:.3f}",
            str(r["queries"]),
            "n/a" if r["yardstick"] is None else f"{r['yardstick']:.3f} / {r['yardstick_median']:.3f}",
            "n/a" if r["ratio"] is None else f"{r['ratio']:.1f}x / {r['ratio_median']:.1f}x",
        ]
        for r in rows
    ]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    print(" | ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for line in lines:
        print(" | ".join(cell.rjust(w) for cell, w in zip(line, widths, strict=True)))


def check_targets(rows: list[dict], on_postgres: bool) -> bool:
    """Print PASS/FAIL per target; True when none failed."""
    at_one = next((r for r in rows if r["scale"] == 1), None)
    results = []
    if at_one is None or not on_postgres:
        reason = "scale 1 not run" if at_one is None else "not PostgreSQL"
        results += [
            ("SKIP", f"recalculation at scale 1 on PostgreSQL ≤ {MAX_SECONDS:g} s ({reason})"),
            ("SKIP", f"recalculation within {MAX_RATIO_TO_YARDSTICK:g}x of the SQL yardstick ({reason})"),
        ]
    else:
        for row in (r for r in rows if r["scale"] >= 1):
            results.append(
                (
                    "PASS" if row["recalc_median"] <= MAX_SECONDS else "FAIL",
                    f"recalculation at scale {row['scale']:g} on PostgreSQL ≤ {MAX_SECONDS:g} s "
                    f"(median {row['recalc_median']:.3f} s)",
                )
            )
        results.append(
            (
                "PASS" if at_one["ratio"] <= MAX_RATIO_TO_YARDSTICK else "FAIL",
                f"recalculation within {MAX_RATIO_TO_YARDSTICK:g}x of the SQL yardstick at scale 1 "
                f"({at_one['ratio']:.1f}x, best of {REPEATS} each)",
            )
        )
    counts = sorted({r["queries"] for r in rows})
    results.append(
        (
            "PASS" if len(counts) == 1 else "FAIL",
            f"query count identical at every scale ({', '.join(map(str, counts))})",
        )
    )
    for verdict, target in results:
        print(f"{verdict}  {target}")
    return all(verdict != "FAIL" for verdict, _ in results)


def main() -> int:
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planboard.settings")
    scales = parse_scales(os.environ.get("BENCH_SCALES", "0.1,1"))
    sys.path.insert(0, str(ROOT))
    ensure_postgres_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    on_postgres = connection.vendor == "postgresql"
    server = "not PostgreSQL"
    if on_postgres:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]

    print("Planboard recalculation benchmark")
    print(f"  database    {masked(url)} ({connection.vendor})")
    print(
        f"  versions    Python {platform.python_version()}, Django {django.get_version()}, PostgreSQL {server}, "
        f"planboard {git_commit()}"
    )
    print(f"  machine     {machine()}")
    print(f"  load        {load_average()} (1, 5, 15 min) at start")
    print(f"  scales      {', '.join(f'{s:g}' for s in scales)} (seed {SEED}; recalc and yardstick: {REPEATS} runs)")
    print(flush=True)

    rows = [bench_scale(scale, on_postgres) for scale in scales]
    print()
    print(f"load average {load_average()} at the end")
    print_table(rows)
    print()
    return 0 if check_targets(rows, on_postgres) else 1


if __name__ == "__main__":
    sys.exit(main())
