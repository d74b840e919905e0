"""API list throughput: `/api/v1/initiatives/?page_size=50` beside a hello-world JSON view.

Run it with `make bench` (a benchmark, not a test). On the scale-1 big city (reused from
bench/recalculation.py's run, generated otherwise) it serves Planboard as docker-compose.yml
deploys it: DEBUG off, gunicorn (2 sync workers, loopback, a free port, `--no-control-socket`)
and a Redis cache shared by the workers (CACHE_URL, database 2 of the local Redis), so API
throttle counts, the data generation and cached responses are what production has. It runs
`wrk -t2 -c16 -d10s` on the same server: against a hello-world JSON view behind the same
middleware (bench/hello.py, the yardstick of PITFALLS.md), then against the first page of 50
initiatives, authenticated with the API token of a user in the Viewer group (who reads every
plan). Nothing writes during the run, so after the first request the list is answered from the
response cache (planboard/api_cache/responses.py): authentication, permission and throttle still run on
every request. For comparison (no target) the same list is then measured on a second server with
API_CACHE_SECONDS=0, where every request runs the queries and the serializer. Each run follows a
2-second warm-up; every response must be 200 (a non-2xx answer or a socket error stops the
benchmark). The throttle for signed-in callers is lifted through API_USER_REQUESTS_PER_MINUTE
(it still counts every request).

A second table says where the time goes: each requested in this process with Django's test
client (same settings), the mean time per request split into SQL (statements sent and rows
fetched) and everything else (authentication, throttling, cache, ORM objects, serializer, JSON),
and the CPU time Django itself used, which other work on the cores moves less than wall time.
`--profile` adds a cProfile listing of the uncached API list.

Target (PASS/FAIL, exit status 1 on a FAIL): the API list serves at least 40% of the hello-world
view's requests per second. Absolute figures move with the machine and its load; the ratio less.
"""

import io
import sys

from common import HELLO_PATH, bench_client, bench_viewer, breakdown, django_start, print_profile, scale_one_plan
from printing import load_average, print_breakdown, print_header, print_table, print_verdicts
from servers import check_ok, gunicorn, gunicorn_version, wrk, wrk_version

API_PATH = "/api/v1/initiatives/?page_size=50"
MIN_SHARE_OF_HELLO = 0.40
THREADS, CONNECTIONS, SECONDS, WARM_UP_SECONDS = 2, 16, 10, 2
HELLO, CACHED, UNCACHED = "hello-world JSON view", "API initiatives, 50 a page", "the same, response cache off"
# Requests for the in-process breakdown: about two seconds of each.
BREAKDOWN_REQUESTS = {HELLO: 500, CACHED: 500, UNCACHED: 50}


def api_token(username: str) -> str:
    """The user's API token, from `manage.py api_token` (created on first use)."""
    from django.core.management import call_command

    out = io.StringIO()
    call_command("api_token", username, stdout=out)
    return out.getvalue().strip()


def measure(base: str, path: str, headers: dict[str, str]) -> dict:
    """wrk's figures for `path` on the server at `base`, after a check that it answers 200 and a warm-up."""
    size = check_ok(base, path, headers, "application/json")
    wrk(base, [path], headers=headers, threads=THREADS, connections=CONNECTIONS, seconds=WARM_UP_SECONDS)
    figures = wrk(base, [path], headers=headers, threads=THREADS, connections=CONNECTIONS, seconds=SECONDS)
    return {**figures, "path": path, "size": size}


def main() -> int:
    url = django_start()
    from django.conf import settings
    from django.test import override_settings

    from initiatives.models import Initiative

    plan = scale_one_plan()
    token = api_token(bench_viewer().username)
    total = Initiative.objects.count()
    print_header(
        "Planboard API list throughput benchmark",
        url,
        {
            "server": f"{gunicorn_version()}, 2 sync workers, DEBUG off, 127.0.0.1",
            "client": f"{wrk_version()} -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s (after a {WARM_UP_SECONDS} s warm-up)",
            "data": f"plan {plan.slug!r} (scale 1); the viewer reads {total:,} initiatives in all plans",
        },
    )
    auth = {"Authorization": f"Token {token}"}
    targets = {HELLO: (HELLO_PATH, {}), CACHED: (API_PATH, auth), UNCACHED: (API_PATH, auth)}
    runs = {}
    with gunicorn() as base:
        for name in (HELLO, CACHED):
            runs[name] = measure(base, *targets[name])
            print(f"  {name}: done, load {load_average()}", flush=True)
    with gunicorn(environment={"API_CACHE_SECONDS": "0"}) as base:
        runs[UNCACHED] = measure(base, *targets[UNCACHED])
        print(f"  {UNCACHED}: done, load {load_average()}", flush=True)

    hello, api = runs[HELLO], runs[CACHED]
    share = api["rps"] / hello["rps"]
    print()
    print(f"load average {load_average()} at the end")
    print_table(
        ["endpoint", "path", "body bytes", "requests", "requests/s", "p50 ms", "p99 ms", "of hello-world"],
        [
            [
                name,
                run["path"],
                f"{run['size']:,}",
                f"{run['requests']:,}",
                f"{run['rps']:,.0f}",
                f"{run['p50_ms']:.1f}",
                f"{run['p99_ms']:.1f}",
                f"{run['rps'] / hello['rps']:.0%}",
            ]
            for name, run in runs.items()
        ],
    )
    print()
    print("Where the time goes: mean per request in this process (Django test client, same settings)")
    split = {}
    for name, (path, headers) in targets.items():
        with override_settings(API_CACHE_SECONDS=0 if name == UNCACHED else settings.API_CACHE_SECONDS):
            split[name] = breakdown(bench_client(headers=headers), [path], BREAKDOWN_REQUESTS[name])
    print_breakdown(split)
    if "--profile" in sys.argv[1:]:
        path, headers = targets[UNCACHED]
        with override_settings(API_CACHE_SECONDS=0):
            print_profile(bench_client(headers=headers), [path], 20)
    print()
    passed = print_verdicts(
        [
            (
                share >= MIN_SHARE_OF_HELLO,
                f"API list throughput ≥ {MIN_SHARE_OF_HELLO:.0%} of hello-world "
                f"({api['rps']:,.0f} / {hello['rps']:,.0f} "
                f"requests/s = {share:.0%}; response cache on, as deployed; every response 200)",
            ),
        ]
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
