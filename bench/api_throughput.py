"""API list throughput: `/api/v1/initiatives/?page_size=50` beside a hello-world JSON view.

Run it with `make bench` (a benchmark, not a test). On the scale-1 big city (reused from
bench/recalculation.py's run, generated otherwise) it serves Planboard with DEBUG off under
gunicorn (2 sync workers, loopback, a free port, `--no-control-socket`) and runs
`wrk -t2 -c16 -d10s` twice on the same server: against the first page of 50 initiatives,
authenticated with the API token of a user in the Viewer group (who reads every plan), and
against a hello-world JSON view behind the same middleware (bench/hello.py, the yardstick of
PITFALLS.md). Each run follows a 2-second warm-up; every response must be 200 (a non-2xx answer
or a socket error stops the benchmark). The throttle for signed-in callers is lifted through
API_USER_REQUESTS_PER_MINUTE.

A second table says where the time goes: both requested in this process with Django's test
client (same settings), the mean time per request split into SQL (statements sent and rows
fetched) and everything else (authentication, throttling, ORM objects, serializer, JSON), and the
CPU time Django itself used, which other work on the cores moves less than wall time.
`--profile` adds a cProfile listing of the API list.

Target (PASS/FAIL, exit status 1 on a FAIL): the API list serves at least 40% of the hello-world
view's requests per second. Absolute figures move with the machine and its load; the ratio less.
"""

import io
import sys

from common import (
    HELLO_PATH,
    bench_client,
    bench_viewer,
    breakdown,
    check_ok,
    django_start,
    gunicorn,
    gunicorn_version,
    load_average,
    print_breakdown,
    print_header,
    print_profile,
    print_table,
    print_verdicts,
    scale_one_plan,
    wrk,
    wrk_version,
)

API_PATH = "/api/v1/initiatives/?page_size=50"
MIN_SHARE_OF_HELLO = 0.40
THREADS, CONNECTIONS, SECONDS, WARM_UP_SECONDS = 2, 16, 10, 2
# Requests for the in-process breakdown: about two seconds of each.
BREAKDOWN_REQUESTS = {"hello-world JSON view": 500, "API initiatives, 50 a page": 50}


def api_token(username: str) -> str:
    """The user's API token, from `manage.py api_token` (created on first use)."""
    from django.core.management import call_command

    out = io.StringIO()
    call_command("api_token", username, stdout=out)
    return out.getvalue().strip()


def main() -> int:
    url = django_start()
    from initiatives.models import Initiative

    plan = scale_one_plan()
    token = api_token(bench_viewer().username)
    total = Initiative.objects.count()
    print_header("Planboard API list throughput benchmark", url, {
        "server": f"{gunicorn_version()}, 2 sync workers, DEBUG off, 127.0.0.1",
        "client": f"{wrk_version()} -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s (after a {WARM_UP_SECONDS} s warm-up)",
        "data": f"plan {plan.slug!r} (scale 1); the viewer reads {total:,} initiatives in all plans",
    })
    runs = {}
    with gunicorn() as base:
        targets = {
            "hello-world JSON view": (HELLO_PATH, {}),
            "API initiatives, 50 a page": (API_PATH, {"Authorization": f"Token {token}"}),
        }
        for name, (path, headers) in targets.items():
            size = check_ok(base, path, headers, "application/json")
            wrk(base, [path], headers=headers, threads=THREADS, connections=CONNECTIONS, seconds=WARM_UP_SECONDS)
            runs[name] = {**wrk(base, [path], headers=headers, threads=THREADS, connections=CONNECTIONS,
                                seconds=SECONDS), "path": path, "size": size}
            print(f"  {name}: done, load {load_average()}", flush=True)

    hello, api = runs["hello-world JSON view"], runs["API initiatives, 50 a page"]
    share = api["rps"] / hello["rps"]
    print()
    print(f"load average {load_average()} at the end")
    print_table(
        ["endpoint", "path", "body bytes", "requests", "requests/s", "p50 ms", "p99 ms", "of hello-world"],
        [[name, run["path"], f"{run['size']:,}", f"{run['requests']:,}", f"{run['rps']:,.0f}", f"{run['p50_ms']:.1f}",
          f"{run['p99_ms']:.1f}", f"{run['rps'] / hello['rps']:.0%}"] for name, run in runs.items()],
    )
    print()
    print("Where the time goes: mean per request in this process (Django test client, same settings)")
    split = {name: breakdown(bench_client(headers=headers), [path], BREAKDOWN_REQUESTS[name])
             for name, (path, headers) in targets.items()}
    print_breakdown(split)
    if "--profile" in sys.argv[1:]:
        path, headers = targets["API initiatives, 50 a page"]
        print_profile(bench_client(headers=headers), [path], 20)
    print()
    passed = print_verdicts([
        (share >= MIN_SHARE_OF_HELLO,
         f"API list throughput ≥ {MIN_SHARE_OF_HELLO:.0%} of hello-world ({api['rps']:,.0f} / {hello['rps']:,.0f} "
         f"requests/s = {share:.0%}; every response 200)"),
    ])
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
