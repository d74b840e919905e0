"""Reads during writes: plan-filtered API lists while status updates are posted, with the response cache on.

Run it with `make bench` (a benchmark, not a test). Planboard is served as bench/api_throughput.py
serves it (gunicorn, 2 sync workers, DEBUG off, the local Redis as the shared cache, tasks inline
so each write's recalculation runs in the worker that took it). Sixteen readers (`wrk -t2 -c16`)
read, in turn, six lists of the scale-1 plan bench-1 filtered by `?plan=` (two pages of
initiatives, goals, objectives, metrics, milestones; 50 a page), authenticated with the API token
of a user in the Viewer group. Three cases:

- no writes: after the warm-up every list is answered from the response cache;
- one write a second in another plan: a thread of this process posts a status update
  (`POST /api/v1/initiatives/{id}/updates/`, after a GET for the initiative's version) to one of
  30 initiatives of the small plan bench-cache (`generate_city --scale 0.1 --seed 7`, made here
  when missing) every second, as an administrator, through the same server;
- one write a second in the same plan: the same, to 30 initiatives of bench-1 (status updates are
  appended, as in real use: each run of the benchmark adds about 30 to a plan that holds 720,000).

Each case runs REPEATS times (10 s after a 2-second warm-up, writes going on through both), the
three cases in turn; the table gives min / median / max of p50, p95, p99 and requests per second,
each run's p95 and requests per second against those of the no-write run just before it (the
machine's other work moves both alike), the load average after each run, and the responses stored
in the shared cache per write during the 10 s (each is a list rendered again because a write moved
a number its key holds, planboard/api_cache; stored responses are deleted from the shared cache
before each run, so none expires during it). Every response must be 200 and every write 201, or
the benchmark stops.

Target (PASS/FAIL, exit status 1 on a FAIL): a write in another plan re-renders none of bench-1's
lists (median responses stored per write below 0.5: the write and its recalculation declare their
plan, planboard.core.changes; with one number for all data, each write re-rendered all six lists,
7-8 responses a write). Latency and throughput are reported beside it, with no target: on two
shared cores they move with the machine's other work, the load average says how much.
"""

import json
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request

from common import bench_viewer, django_start, scale_one_plan
from printing import load_average, print_header, print_table, print_verdicts, spread
from servers import check_ok, gunicorn, gunicorn_version, wrk, wrk_version

OTHER_PLAN_SLUG, OTHER_PLAN_SCALE, OTHER_PLAN_SEED = "bench-cache", 0.1, 7
WRITER_USERNAME = "bench-writer"
LISTS = [
    "/api/v1/initiatives/?plan={plan}&page_size=50",
    "/api/v1/initiatives/?plan={plan}&page_size=50&page=2",
    "/api/v1/goals/?plan={plan}",
    "/api/v1/objectives/?plan={plan}&page_size=50",
    "/api/v1/metrics/?plan={plan}&page_size=50",
    "/api/v1/milestones/?plan={plan}&page_size=50",
]
REPEATS, THREADS, CONNECTIONS, SECONDS, WARM_UP_SECONDS = 3, 2, 16, 10, 2
WRITES_PER_SECOND, INITIATIVES_WRITTEN = 1.0, 30
MAX_STORED_PER_WRITE_ELSEWHERE = 0.5
NO_WRITES, ELSEWHERE, SAME_PLAN = "no writes", "1 write/s in another plan", "1 write/s in the same plan"


def other_plan():
    """The small second plan the writes of the other-plan case go to (generated when missing)."""
    from django.core.management import call_command

    from goals.models import Plan
    from planboard.citygen import GENERATED_MARK

    plan = Plan.objects.filter(slug=OTHER_PLAN_SLUG).first()
    if plan is not None and plan.mission.startswith(f"{GENERATED_MARK} (scale {OTHER_PLAN_SCALE:g},"):
        print(f"Reusing plan {OTHER_PLAN_SLUG!r} (id {plan.pk}, generated at scale {OTHER_PLAN_SCALE:g}).", flush=True)
        return plan
    print(f"Generating plan {OTHER_PLAN_SLUG!r} at scale {OTHER_PLAN_SCALE:g} (manage.py generate_city)…", flush=True)
    call_command(
        "generate_city", scale=OTHER_PLAN_SCALE, seed=OTHER_PLAN_SEED, plan_slug=OTHER_PLAN_SLUG, stdout=sys.stdout
    )
    return Plan.objects.get(slug=OTHER_PLAN_SLUG)


def token_for(username: str, role: str) -> str:
    """The API token of a user in `role` (made on first use)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"first_name": "Benchmark"})
    user.groups.add(Group.objects.get(name=role))
    return Token.objects.get_or_create(user=user)[0].key


def stored_responses(drop: bool = False) -> int:
    """How many API responses the shared cache holds (keys of planboard/api_cache/responses.py);
    with `drop`, delete them first (so none expires during a run and the count only grows)."""
    from django_redis import get_redis_connection

    redis = get_redis_connection("default")
    keys = list(redis.scan_iter(match="*:api:*", count=1000))
    if drop and keys:
        redis.delete(*keys)
        return 0
    return len(keys)


class Writer(threading.Thread):
    """Posts a status update to the next of `initiative_ids` every 1/WRITES_PER_SECOND seconds
    through the server at `base`; stops the process on any answer but 201."""

    def __init__(self, base: str, token: str, initiative_ids: list[int]):
        super().__init__(daemon=True)
        self.base, self.headers, self.ids = base, {"Authorization": f"Token {token}"}, initiative_ids
        self.stopping, self.writes, self.failure = threading.Event(), 0, None

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        headers = {**self.headers, **({"Content-Type": "application/json"} if data else {})}
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, {"body": error.read()[:500].decode(errors="replace")}

    def run(self) -> None:
        started, n = time.monotonic(), 0
        while not self.stopping.is_set():
            initiative = self.ids[n % len(self.ids)]
            status, current = self.request("GET", f"/api/v1/initiatives/{initiative}/")
            if status == 200:
                update = {
                    "status": "on_track",
                    "percent_complete": current["percent_complete"] % 98 + 1,
                    "version": current["version"],
                    "narrative": "Benchmark: reads during writes.",
                }
                status, current = self.request("POST", f"/api/v1/initiatives/{initiative}/updates/", update)
            if status not in (200, 201):
                self.failure = f"initiative {initiative}: {status} {current}"
                return
            if status == 201:
                self.writes += 1
            n += 1
            self.stopping.wait(max(0.0, started + n / WRITES_PER_SECOND - time.monotonic()))


def measure(base: str, paths: list[str], headers: dict[str, str], writer: Writer | None) -> dict:
    """One run: warm-up, then 10 s of wrk, with `writer` posting through both."""
    stored_responses(drop=True)
    if writer is not None:
        writer.start()
    wrk(base, paths, headers=headers, threads=THREADS, connections=CONNECTIONS, seconds=WARM_UP_SECONDS)
    stored, writes = stored_responses(), writer.writes if writer else 0
    figures = wrk(base, paths, headers=headers, threads=THREADS, connections=CONNECTIONS, seconds=SECONDS)
    figures["stored"] = stored_responses() - stored
    figures["writes"] = (writer.writes if writer else 0) - writes
    if writer is not None:
        writer.stopping.set()
        writer.join()
        if writer.failure:
            sys.exit(f"A write failed, so the figures would not mean anything: {writer.failure}")
    figures["load"] = load_average()
    return figures


def main() -> int:
    url = django_start()
    from initiatives.models import Initiative
    from planboard.core.permissions import Role

    plan, elsewhere = scale_one_plan(), other_plan()
    viewer = {"Authorization": f"Token {token_for(bench_viewer().username, Role.VIEWER)}"}
    writer_token = token_for(WRITER_USERNAME, Role.ADMIN)
    written = {
        target.pk: list(
            Initiative.objects.filter(plan=target)
            # Open ones: "on track" posted to a completed initiative would reopen it, which needs a reason.
            .exclude(status__in=["completed", "cancelled"])
            .order_by("code")
            .values_list("pk", flat=True)[:INITIATIVES_WRITTEN]
        )
        for target in (plan, elsewhere)
    }
    paths = [path.format(plan=plan.pk) for path in LISTS]
    cases = {NO_WRITES: None, ELSEWHERE: elsewhere.pk, SAME_PLAN: plan.pk}
    print_header(
        "Planboard reads during writes benchmark",
        url,
        {
            "server": f"{gunicorn_version()}, 2 sync workers, DEBUG off, response cache on (Redis), tasks inline",
            "readers": f"{wrk_version()} -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s after a {WARM_UP_SECONDS} s "
            f"warm-up, {len(paths)} lists of plan {plan.slug!r} (id {plan.pk}) in turn, {REPEATS} runs a case",
            "writes": f"{WRITES_PER_SECOND:g}/s status updates through the API to {INITIATIVES_WRITTEN} initiatives "
            f"of {elsewhere.slug!r} (another plan) or {plan.slug!r} (the same plan)",
        },
    )
    runs: dict[str, list[dict]] = {name: [] for name in cases}
    with gunicorn() as base:
        for path in paths:
            check_ok(base, path, viewer, "application/json")
        for repeat in range(REPEATS):
            for name, target in cases.items():
                writer = Writer(base, writer_token, written[target]) if target else None
                run = measure(base, paths, viewer, writer)
                runs[name].append(run)
                print(
                    f"  run {repeat + 1}, {name}: p95 {run['p95_ms']:.1f} ms, p99 {run['p99_ms']:.1f} ms, "
                    f"{run['rps']:,.0f} requests/s, {run['writes']} writes, {run['stored']} stored; load {run['load']}",
                    flush=True,
                )
    print()
    print(f"load average {load_average()} at the end; min / median / max of {REPEATS} runs")
    rows, per_write = [], {}
    for name, case in runs.items():
        writes = [run["writes"] for run in case]
        per_write[name] = [run["stored"] / run["writes"] for run in case] if all(writes) else None
        # Each run against the no-write run just before it: the machine's other work moves both alike.
        quiet = runs[NO_WRITES]
        rows.append(
            [
                name,
                spread([run["p50_ms"] for run in case], ".1f"),
                spread([run["p95_ms"] for run in case], ".1f"),
                spread([run["p95_ms"] / q["p95_ms"] for run, q in zip(case, quiet, strict=True)], ".2f"),
                spread([run["p99_ms"] for run in case], ".1f"),
                spread([run["rps"] for run in case], ",.0f"),
                spread([run["rps"] / q["rps"] for run, q in zip(case, quiet, strict=True)], ".2f"),
                spread(writes, ".0f"),
                "-" if per_write[name] is None else spread(per_write[name], ".1f"),
                "; ".join(run["load"].split(",")[0] for run in case),
            ]
        )
    print_table(
        [
            "case",
            "p50 ms",
            "p95 ms",
            "p95 / no writes",
            "p99 ms",
            "requests/s",
            "rps / no writes",
            "writes",
            "stored / write",
            "load (1 min) per run",
        ],
        rows,
    )
    print()
    elsewhere_median = statistics.median(per_write[ELSEWHERE] or [float("inf")])
    passed = print_verdicts(
        [
            (
                elsewhere_median < MAX_STORED_PER_WRITE_ELSEWHERE,
                f"a write in another plan re-renders none of {plan.slug!r}'s lists (median "
                f"{elsewhere_median:.1f} responses stored per write, below {MAX_STORED_PER_WRITE_ELSEWHERE}; "
                f"every response 200, every write 201)",
            )
        ]
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
