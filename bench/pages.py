"""Page latency: the plan dashboard and the initiative page beside a hello-world view.

Run it with `make bench` (a benchmark, not a test). On the scale-1 big city (reused from
bench/recalculation.py's run, generated otherwise) it serves Planboard with DEBUG off under
gunicorn (2 sync workers, loopback; the same server as bench/api_throughput.py) and, for each
page, runs wrk with ONE connection for 10 s after a 2-second warm-up: one request at a time, so
each latency is the server's time for that page (Django, the queries, the template) plus a
loopback round trip, not time spent queueing behind other requests. The signed-in user is in
the Viewer group (a session cookie made with the test client's force_login). The initiative page
is taken in turn for 20 initiatives spread over the plan (each has ~240 status updates on its
timeline). Every page is first checked to answer exactly 200 with HTML; wrk stops the benchmark
on any status ≥ 400. wrk's own histogram gives p50/p95/p99.

A second table says where the time goes: the same pages requested in this process with Django's
test client (same settings), the mean time per request split into SQL (statements sent and rows
fetched) and everything else (middleware, view, ORM objects, template), and the CPU time Django
itself used, which other work on the cores moves less than wall time. `--profile` adds a
cProfile listing of each page.

Target (PASS/FAIL, exit status 1 on a FAIL): the dashboard's p95 is at most 150 ms.
"""

import sys

from common import (
    HELLO_PATH,
    SCALE_ONE_SLUG,
    bench_client,
    bench_viewer,
    breakdown,
    django_start,
    print_profile,
    scale_one_plan,
)
from printing import load_average, print_breakdown, print_header, print_table, print_verdicts
from servers import check_ok, gunicorn, gunicorn_version, wrk, wrk_version

MAX_DASHBOARD_P95_MS = 150.0
SECONDS, WARM_UP_SECONDS = 10, 2
INITIATIVES_SAMPLED = 20
# Requests per page for the in-process breakdown: about two seconds of each page.
BREAKDOWN_REQUESTS = {"hello-world JSON view": 500, "plan dashboard": 20, "initiative page": 20}


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


def main() -> int:
    url = django_start()
    plan = scale_one_plan()
    viewer = bench_viewer()
    headers = {"Cookie": session_cookie(viewer)}
    pages = {
        "hello-world JSON view": ([HELLO_PATH], "application/json"),
        "plan dashboard": ([f"/plans/{plan.slug}/"], "text/html"),
        "initiative page": ([f"/initiatives/{pk}/" for pk in sampled_initiatives(plan)], "text/html"),
    }
    print_header(
        "Planboard page latency benchmark",
        url,
        {
            "server": f"{gunicorn_version()}, 2 sync workers, DEBUG off, 127.0.0.1; signed in as a Viewer",
            "client": f"{wrk_version()} -t1 -c1 -d{SECONDS}s, one request at a time "
            f"(after a {WARM_UP_SECONDS} s warm-up)",
            "data": f"plan {SCALE_ONE_SLUG!r} (scale 1)",
        },
    )
    runs = {}
    with gunicorn() as base:
        for name, (paths, content_type) in pages.items():
            sizes = [check_ok(base, path, headers, content_type) for path in paths]
            wrk(base, paths, headers=headers, threads=1, connections=1, seconds=WARM_UP_SECONDS)
            runs[name] = {
                **wrk(base, paths, headers=headers, threads=1, connections=1, seconds=SECONDS),
                "path": paths[0] if len(paths) == 1 else f"{paths[0]} … ({len(paths)} in turn)",
                "size": sum(sizes) // len(sizes),
            }
            print(f"  {name}: done, load {load_average()}", flush=True)

    print()
    print(f"load average {load_average()} at the end")
    print_table(
        ["page", "path", "body bytes", "requests", "p50 ms", "p95 ms", "p99 ms", "max ms"],
        [
            [
                name,
                run["path"],
                f"{run['size']:,}",
                f"{run['requests']:,}",
                f"{run['p50_ms']:.1f}",
                f"{run['p95_ms']:.1f}",
                f"{run['p99_ms']:.1f}",
                f"{run['max_ms']:.1f}",
            ]
            for name, run in runs.items()
        ],
    )
    print()
    print("Where the time goes: mean per request in this process (Django test client, same settings)")
    client = bench_client(user=viewer)
    split = {}
    for name, (paths, _) in pages.items():
        split[name] = breakdown(client, paths, max(BREAKDOWN_REQUESTS[name] // len(paths), 1))
    print_breakdown(split)
    if "--profile" in sys.argv[1:]:
        for name, (paths, _) in list(pages.items())[1:]:
            print_profile(client, paths, max(BREAKDOWN_REQUESTS[name] // len(paths) // 2, 1))
    print()
    dashboard = runs["plan dashboard"]
    passed = print_verdicts(
        [
            (
                dashboard["p95_ms"] <= MAX_DASHBOARD_P95_MS,
                f"plan dashboard p95 ≤ {MAX_DASHBOARD_P95_MS:g} ms at scale 1 ({dashboard['p95_ms']:.1f} ms; "
                f"hello-world p95 {runs['hello-world JSON view']['p95_ms']:.1f} ms)",
            ),
        ]
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
