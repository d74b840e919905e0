"""Page latency: the plan dashboard and the initiative page beside a hello-world view, at scale 1
and, when its plan is in the database, at scale 10.

Run it with `make bench` (a benchmark, not a test). On the scale-1 big city (reused from
bench/recalculation.py's run, generated otherwise) it serves Planboard with DEBUG off under
gunicorn (2 sync workers, loopback; the same server as bench/api_throughput.py) and, for each
page, runs wrk with ONE connection: one request at a time, so each latency is the server's time for
that page (Django, the queries, the template) plus a loopback round trip, not time spent queueing
behind other requests. The scale-10 city (plan bench-10, 30,000 initiatives) is measured the same
way when it exists: bench/recalculation.py makes it when asked (`BENCH_SCALES=0.1,1,10 make bench`);
this script never generates it (about three minutes and 2 GB).

Each page gets one 2-second warm-up, then BENCH_REPEATS (default 3) wrk runs of 10 s; the table
gives the min / median / max over the runs of p50 and p95 (wrk's own histogram), the median p99,
and the load average after the page's runs (other work on the two cores moves every figure).

Who asks: a Viewer (reads every plan) and, for the dashboards, a department liaison with no global
role (`bench-liaison`, member of one of the plan's departments: reads the enterprise plans and
that department's plans), so the permission path most city staff take is measured too. Both are
signed in by a session cookie made with the test client's force_login. The initiative page is taken
in turn for 20 initiatives spread over the plan (each has ~240 status updates on its timeline).
Every page is first checked to answer exactly 200 with HTML; wrk stops the benchmark on any status
≥ 400.

A second table says where the time goes: the same pages requested in this process with Django's
test client (same settings), the mean time per request split into SQL (statements sent and rows
fetched) and everything else (middleware, view, ORM objects, template), and the CPU time Django
itself used, which other work on the cores moves less than wall time; for the dashboards also
with the goal list drawn afresh on every request (planboard/dashboard/goal_list.py keeps it drawn
while nothing it shows changes, so the wrk runs measure the page between changes, and this row the
first request after one). `--profile` adds a cProfile listing of each page.

At scale 1 the reporting cycle's pages are measured the same way beside the dashboard (bench/cycle_pages.py):
the update-all page of `bench-owner` (owner of 40 initiatives and 10 metrics of the plan, set once
on the rows), and the plan's reporting
tracker as the CIO (`bench-cio`, an Administrator) sees it. Reported, with no target of their own.

Targets (PASS/FAIL, exit status 1 on a FAIL): the dashboard's median p95 over the runs is at most
150 ms at scale 1 and at scale 10, for both users. Without the scale-10 plan its targets are
reported as SKIP (not measured), not as a pass.
"""

import statistics
import sys
from dataclasses import dataclass, field

from common import (
    HELLO_PATH,
    SCALE_ONE_SLUG,
    SCALE_TEN_SLUG,
    bench_client,
    bench_liaison,
    bench_viewer,
    breakdown,
    django_start,
    print_profile,
    repeats_from_environment,
    scale_one_plan,
    scale_ten_plan,
)
from cycle_pages import cycle_pages
from printing import load_average, print_breakdown, print_header, print_table, print_verdicts, spread
from servers import check_ok, gunicorn, gunicorn_version, wrk, wrk_version

MAX_DASHBOARD_P95_MS = 150.0
SECONDS, WARM_UP_SECONDS = 10, 2
REPEATS = repeats_from_environment()
INITIATIVES_SAMPLED = 20
# Requests per page for the in-process breakdown: about two seconds of each page at scale 1.
BREAKDOWN_REQUESTS = {
    "hello-world JSON view": 500,
    "plan dashboard": 20,
    "initiative page": 20,
    "update-all page": 20,
    "reporting tracker": 20,
}


@dataclass
class Page:
    """One row of the benchmark: a page of one plan as seen by one user."""

    kind: str  # a key of BREAKDOWN_REQUESTS
    scale: str
    who: str
    user: object
    paths: list[str]
    content_type: str = "text/html"
    runs: list[dict] = field(default_factory=list)
    size: int = 0  # body bytes, the mean over `paths`
    load: str = ""  # the load average after the runs

    @property
    def name(self) -> str:
        return self.kind if self.scale == "-" else f"{self.kind}, scale {self.scale}, {self.who}"


def session_cookie(user) -> str:
    """A `Cookie` header signing `user` in, as the browser would send it after logging in."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def sampled_initiatives(plan) -> list[int]:
    """Ids of INITIATIVES_SAMPLED initiatives spread evenly over the plan's codes."""
    from initiatives.models import Initiative

    ids = list(Initiative.objects.filter(plan=plan).order_by("code").values_list("pk", flat=True))
    step = max(len(ids) // INITIATIVES_SAMPLED, 1)
    return ids[::step][:INITIATIVES_SAMPLED]


def plan_pages(plan, scale: str, viewer, liaison) -> list[Page]:
    dashboard = [f"/plans/{plan.slug}/"]
    return [
        Page("plan dashboard", scale, "viewer", viewer, dashboard),
        Page("plan dashboard", scale, "liaison", liaison, dashboard),
        Page("initiative page", scale, "viewer", viewer, [f"/initiatives/{pk}/" for pk in sampled_initiatives(plan)]),
    ]


def measure(base: str, page: Page) -> None:
    """The warm-up, then REPEATS wrk runs of the page into `page.runs`."""
    headers = {"Cookie": session_cookie(page.user)}
    page.size = sum(check_ok(base, path, headers, page.content_type) for path in page.paths) // len(page.paths)
    wrk(base, page.paths, headers=headers, threads=1, connections=1, seconds=WARM_UP_SECONDS)
    for _ in range(REPEATS):
        page.runs.append(wrk(base, page.paths, headers=headers, threads=1, connections=1, seconds=SECONDS))
    page.load = load_average()
    p95 = spread([run["p95_ms"] for run in page.runs])
    print(f"  {page.name}: p95 {p95} ms (min / median / max), load {page.load}", flush=True)


def median_p95(page: Page) -> float:
    return statistics.median(run["p95_ms"] for run in page.runs)


def print_latencies(pages: list[Page]) -> None:
    print_table(
        [
            "page",
            "path",
            "body bytes",
            "requests/run",
            "p50 ms min/med/max",
            "p95 ms min/med/max",
            "p99 ms med",
            "load after (1, 5, 15)",
        ],
        [
            [
                page.name,
                page.paths[0] if len(page.paths) == 1 else f"{page.paths[0]} … ({len(page.paths)} in turn)",
                f"{page.size:,}",
                f"{statistics.median(run['requests'] for run in page.runs):,.0f}",
                spread([run["p50_ms"] for run in page.runs]),
                spread([run["p95_ms"] for run in page.runs]),
                f"{statistics.median(run['p99_ms'] for run in page.runs):.1f}",
                page.load,
            ]
            for page in pages
        ],
    )


def verdicts(pages: list[Page], scale_ten_present: bool) -> bool:
    hello = next(page for page in pages if page.scale == "-")
    results = []
    for page in pages:
        if page.kind == "plan dashboard":
            results.append(
                (
                    median_p95(page) <= MAX_DASHBOARD_P95_MS,
                    f"plan dashboard p95 ≤ {MAX_DASHBOARD_P95_MS:g} ms at scale {page.scale}, {page.who} "
                    f"(median of {len(page.runs)} runs {median_p95(page):.1f} ms; "
                    f"hello-world {median_p95(hello):.1f} ms)",
                )
            )
    passed = print_verdicts(results)
    if not scale_ten_present:
        print(
            f"SKIP  plan dashboard p95 ≤ {MAX_DASHBOARD_P95_MS:g} ms at scale 10: no plan {SCALE_TEN_SLUG!r} in "
            "the database (`BENCH_SCALES=0.1,1,10 make bench` generates it)"
        )
    return passed


def main() -> int:
    url = django_start()
    from planboard.dashboard.goal_list import goal_lists_forget

    plan = scale_one_plan()
    big = scale_ten_plan()
    viewer, liaison = bench_viewer(), bench_liaison(plan)
    pages = [Page("hello-world JSON view", "-", "viewer", viewer, [HELLO_PATH], "application/json")]
    pages += plan_pages(plan, "1", viewer, liaison)
    # The reporting cycle's pages (bench/cycle_pages.py), at scale 1 beside the dashboard.
    pages += [Page(kind, "1", who, user, paths) for kind, who, user, paths in cycle_pages(plan)]
    if big is not None:
        pages += plan_pages(big, "10", viewer, liaison)
    data = f"plan {SCALE_ONE_SLUG!r} (scale 1)"
    data += f" and {SCALE_TEN_SLUG!r} (scale 10)" if big is not None else f"; no {SCALE_TEN_SLUG!r} (scale 10)"
    print_header(
        "Planboard page latency benchmark",
        url,
        {
            "server": f"{gunicorn_version()}, 2 sync workers, DEBUG off, 127.0.0.1",
            "users": "a Viewer; for the dashboards also a department liaison with no global role",
            "client": f"{wrk_version()} -t1 -c1, one request at a time: a {WARM_UP_SECONDS} s warm-up, "
            f"then {REPEATS} runs of {SECONDS} s per page",
            "data": data,
        },
    )
    with gunicorn() as base:
        for page in pages:
            measure(base, page)

    print()
    print(f"load average {load_average()} at the end")
    print_latencies(pages)
    print()
    print("Where the time goes: mean per request in this process (Django test client, same settings)")
    split = {}
    for page in pages:
        repeats = max(BREAKDOWN_REQUESTS[page.kind] // len(page.paths), 1)
        split[page.name] = breakdown(bench_client(user=page.user), page.paths, repeats)
        if page.kind == "plan dashboard" and page.who == "viewer":
            # What a request costs right after a change, when the goal list is drawn again.
            split[f"{page.name}, goal list drawn afresh"] = breakdown(
                bench_client(user=page.user), page.paths, repeats, before_each=goal_lists_forget
            )
    print_breakdown(split)
    if "--profile" in sys.argv[1:]:
        for page in pages[1:]:
            repeats = max(BREAKDOWN_REQUESTS[page.kind] // len(page.paths) // 2, 1)
            print_profile(bench_client(user=page.user), page.paths, repeats)
    print()
    return 0 if verdicts(pages, big is not None) else 1


if __name__ == "__main__":
    sys.exit(main())
