"""Fifty editors saving at once: status updates through the API beside a Celery worker.

Run it with `make bench` (a benchmark, not a test). On the scale-1 big city (plan bench-1,
reused or generated) it serves Planboard as docker-compose.yml deploys it: gunicorn started with
planboard/gunicorn_conf.py, DEBUG off, a Redis cache shared by the workers, Redis as the Celery
broker (database 3 of the local Redis) and a real Celery worker (`--concurrency=2`, as Compose),
so every save queues the plan's recalculation and the worker runs it while the editors go on.

Fifty editors (users in the Editor group, each with an API token) each own one initiative of the
plan and post status updates to it (`POST /api/v1/initiatives/{id}/updates/` with the version
they hold) from their own thread over a kept-alive connection:

- burst: 50 threads × 20 saves, each save sent as soon as the previous one answered (no think
  time: the harshest load, the issue's measurement). The client's time per save includes the
  wait for a free gunicorn worker; the server's time is what gunicorn logs per request (%(D)s,
  from when a worker took the request to its last byte), which is where a lock wait would show.
- paced: 50 editors each saving every 2 s for 20 s (25 saves a second offered, well above what
  a city's staff sustain): here the client's time is also the editor's.

Each gunicorn setup runs BENCH_REPEATS times (default 3): `sync` workers 3 (Compose before this
benchmark), the deployed default (planboard/gunicorn_conf.py: sync, 2 per core + 1) and gthread
(3 workers × 4 threads). Reported per setup: saves per second, errors (any answer but 201, any
socket error), client and server p50/p95/max, each as min/median/max over the runs, the
seconds until the worker had caught up after each run (no change pending) and the recalculations
that failed, with the load average. BENCH_SAVES_SETUPS picks setups by short name (sync3,
deployed, gthread; default all three; `deployed` is always run, its figures decide PASS/FAIL).

Targets (PASS/FAIL, exit status 1 on a FAIL), for the deployed default: burst server p95 (median
of the runs) ≤ 100 ms, paced client p95 ≤ 100 ms, no error in any run, no failed recalculation.
"""

import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import BIN, ROOT, django_start, repeats_from_environment, scale_one_plan
from printing import load_average, print_header, print_table, print_verdicts, spread
from servers import gunicorn_deployed, gunicorn_version

EDITORS, SAVES_EACH = 50, 20
PACED_INTERVAL, PACED_SECONDS = 2.0, 20.0
MAX_SERVER_P95_MS = MAX_PACED_P95_MS = 100.0
REPEATS = repeats_from_environment()
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/3")
DEPLOYED = "deployed default (gunicorn_conf.py)"
SETUPS = {
    "sync3": ("sync, 3 workers (before)", {"GUNICORN_WORKERS": "3", "GUNICORN_WORKER_CLASS": "sync"}),
    "deployed": (DEPLOYED, {}),
    "gthread": (
        "gthread, 3 workers x 4 threads",
        {"GUNICORN_WORKERS": "3", "GUNICORN_WORKER_CLASS": "gthread", "GUNICORN_THREADS": "4"},
    ),
}
CHOSEN = [name.strip() for name in os.environ.get("BENCH_SAVES_SETUPS", ",".join(SETUPS)).split(",") if name.strip()]
if unknown := [name for name in CHOSEN if name not in SETUPS]:
    sys.exit(f"BENCH_SAVES_SETUPS names unknown setups {unknown}; choose from {', '.join(SETUPS)}.")
if "deployed" not in CHOSEN:
    CHOSEN.append("deployed")
STATUSES = ["on_track", "at_risk", "on_track", "off_track"]
ACCESS_LINE = re.compile(r'"POST /api/v1/initiatives/\d+/updates/ HTTP/[\d.]+" (\d{3}) \S+ (\d+)us')


def editors_and_initiatives(plan) -> list[tuple[str, int]]:
    """Fifty editors with their tokens, each owning one open initiative of the plan."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from initiatives.models import Initiative
    from planboard.core.permissions import Role

    open_ones = Initiative.objects.filter(plan=plan).exclude(status__in=["completed", "cancelled"]).order_by("pk")
    initiative_ids = list(open_ones.values_list("pk", flat=True)[: EDITORS * 20 : 20])
    if len(initiative_ids) < EDITORS:
        sys.exit(f"The plan has only {len(initiative_ids)} open initiatives to share out; {EDITORS} are needed.")
    editors_group = Group.objects.get(name=Role.EDITOR)
    pairs = []
    for number, initiative_id in enumerate(initiative_ids):
        user, _ = get_user_model().objects.get_or_create(username=f"bench-editor-{number:02d}")
        user.groups.add(editors_group)
        Initiative.objects.filter(pk=initiative_id).update(owner=user)
        pairs.append((Token.objects.get_or_create(user=user)[0].key, initiative_id))
    return pairs


class Editor:
    """One editor's connection, the version they hold, and the outcome of each save."""

    def __init__(self, base: str, token: str, initiative_id: int) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=60)
        self.headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        self.path = f"/api/v1/initiatives/{initiative_id}/"
        self.version = self._request("GET", self.path)[1]["version"]
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def _request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        self.connection.request(method, path, body=json.dumps(body) if body else None, headers=self.headers)
        response = self.connection.getresponse()
        payload = response.read()
        return response.status, (json.loads(payload) if payload and response.status < 500 else {})

    def save(self, number: int) -> None:
        body = {
            "status": STATUSES[number % len(STATUSES)],
            "percent_complete": (number * 5) % 100,
            "narrative": f"Benchmark save {number}",
            "version": self.version,
        }
        started = time.perf_counter()
        try:
            status, _ = self._request("POST", self.path + "updates/", body)
        except (OSError, http.client.HTTPException) as error:
            self.errors.append(type(error).__name__)
            self.connection.close()
            return
        self.latencies.append(time.perf_counter() - started)
        if status == 201:
            self.version += 1
        else:
            self.errors.append(str(status))
            self.version = self._request("GET", self.path)[1].get("version", self.version)


def run_editors(base: str, pairs: list[tuple[str, int]], paced: bool) -> dict:
    editors = [Editor(base, token, initiative_id) for token, initiative_id in pairs]
    start = threading.Barrier(len(editors))

    def work(index: int, editor: Editor) -> None:
        start.wait()
        if not paced:
            for number in range(SAVES_EACH):
                editor.save(number)
            return
        # Staggered starts, then one save every PACED_INTERVAL seconds on the editor's own clock.
        due = time.monotonic() + PACED_INTERVAL * index / len(editors)
        number = 0
        while due < began + PACED_SECONDS:
            time.sleep(max(0.0, due - time.monotonic()))
            editor.save(number)
            number += 1
            due += PACED_INTERVAL

    began = time.monotonic()
    threads = [threading.Thread(target=work, args=(i, e)) for i, e in enumerate(editors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - began
    latencies = [value for editor in editors for value in editor.latencies]
    errors = [error for editor in editors for error in editor.errors]
    for editor in editors:
        editor.connection.close()
    return {"seconds": seconds, "client": latencies, "errors": errors, "saves": len(latencies)}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def server_times(log: Path, offset: int) -> tuple[list[float], list[str], int]:
    """Seconds per save as gunicorn logged them after `offset`, the non-201 statuses, the new offset."""
    text = log.read_text(errors="replace")
    seconds, statuses = [], []
    for match in ACCESS_LINE.finditer(text, offset):
        seconds.append(int(match.group(2)) / 1e6)
        if match.group(1) != "201":
            statuses.append(match.group(1))
    return seconds, statuses, len(text)


def start_worker(environment: dict[str, str], log: Path) -> subprocess.Popen:
    command = [str(BIN / "celery"), "-A", "planboard", "worker", "--concurrency=2", "--loglevel=INFO"]
    subprocess.run(
        [str(BIN / "celery"), "-A", "planboard", "purge", "-f"],
        env=environment,
        cwd=ROOT,
        check=False,
        capture_output=True,
    )
    worker = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text(errors="replace"):
        if worker.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"The Celery worker did not start; its log:\n{log.read_text()[-3000:]}")
        time.sleep(0.3)
    return worker


def worker_failures(log: Path) -> int:
    """Recalculations that failed or were retried (celery.app.trace logs those at WARNING and up)."""
    text = log.read_text(errors="replace")
    return len(re.findall(r"Task reports\.tasks\.recalculate_plan\[[^\]]+\] (raised|retry)", text))


def caught_up_seconds(plan_id: int, limit: float = 60.0) -> float | None:
    """Seconds until no change of the plan is pending any more (the worker caught up), or None."""
    from goals.selectors import plan_has_pending_changes

    started = time.monotonic()
    while plan_has_pending_changes(plan_id):
        if time.monotonic() - started > limit:
            return None
        time.sleep(0.2)
    return time.monotonic() - started


def ms(values) -> list[float]:
    """Seconds as milliseconds."""
    return [value * 1000 for value in values]


def main() -> int:
    url = django_start()
    plan = scale_one_plan()
    pairs = editors_and_initiatives(plan)
    # The worker logs each task's outcome at INFO (celery.app.trace), which is how runs are counted.
    environment = {**os.environ, "REDIS_URL": BROKER_URL, "LOG_LEVEL": "INFO"}
    print_header(
        "Fifty editors saving at once (bench/saves.py)",
        url,
        {
            "plan": f"{plan.slug} (id {plan.pk}), {EDITORS} editors, one initiative each",
            "server": f"{gunicorn_version()}, planboard/gunicorn_conf.py; Celery worker --concurrency=2",
            "broker": BROKER_URL,
            "runs": f"{REPEATS} per setup; burst {EDITORS} x {SAVES_EACH} saves; "
            f"paced 1 save / {PACED_INTERVAL:g} s each for {PACED_SECONDS:g} s",
        },
    )
    folder = Path(tempfile.mkdtemp(prefix="bench-saves-"))
    worker_log = folder / "worker.log"
    worker = start_worker(environment, worker_log)
    results: dict[str, dict] = {}
    try:
        for label, setup in (SETUPS[name] for name in SETUPS if name in CHOSEN):
            access_log = folder / f"access-{len(results)}.log"
            access_log.touch()
            runs = {"burst": [], "paced": []}
            failures_before, catch_up = worker_failures(worker_log), []
            with gunicorn_deployed({"REDIS_URL": BROKER_URL, "GUNICORN_ACCESS_LOG": str(access_log), **setup}) as base:
                offset = len(access_log.read_text())
                for _ in range(REPEATS):
                    for mode in ("burst", "paced"):
                        outcome = run_editors(base, pairs, paced=mode == "paced")
                        time.sleep(0.5)  # the access log is written as each answer is sent
                        outcome["server"], statuses, offset = server_times(access_log, offset)
                        outcome["errors"] += [s for s in statuses if s not in outcome["errors"]]
                        outcome["load"] = load_average()
                        runs[mode].append(outcome)
                        catch_up.append(caught_up_seconds(plan.pk))
                        print(
                            f"  {label:<34} {mode:<5} {outcome['saves'] / outcome['seconds']:6.1f} saves/s  "
                            f"client p95 {percentile(outcome['client'], 0.95) * 1000:6.0f} ms  "
                            f"server p95 {percentile(outcome['server'], 0.95) * 1000:5.0f} ms  "
                            f"errors {len(outcome['errors'])} {sorted(set(outcome['errors']))}  load {outcome['load']}",
                            flush=True,
                        )
            results[label] = {
                **runs,
                "catch_up": catch_up,
                "recalc_failed": worker_failures(worker_log) - failures_before,
            }
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    return report(results)


def _catch_up(result: dict) -> str:
    """How long after each run the worker had no change left pending: the worst, and failures."""
    waits = result["catch_up"]
    worst = "never" if None in waits else f"{max(waits):.1f}"
    return f"{worst} / {result['recalc_failed']}"


def report(results: dict[str, dict]) -> int:
    lines = []
    for label, result in results.items():
        for mode in ("burst", "paced"):
            runs = result[mode]
            lines.append(
                [
                    label if mode == "burst" else "",
                    mode,
                    spread([r["saves"] / r["seconds"] for r in runs]),
                    str(sum(len(r["errors"]) for r in runs)),
                    spread(ms(percentile(r["client"], 0.5) for r in runs), ".0f"),
                    spread(ms(percentile(r["client"], 0.95) for r in runs), ".0f"),
                    spread(ms(percentile(r["server"], 0.5) for r in runs), ".0f"),
                    spread(ms(percentile(r["server"], 0.95) for r in runs), ".0f"),
                    spread(ms(max(r["server"]) for r in runs), ".0f"),
                    _catch_up(result) if mode == "burst" else "",
                ]
            )
    print()
    print("Each figure: min / median / max over the runs; times in ms.")
    header = [
        "setup",
        "mode",
        "saves/s",
        "errors",
        "client p50",
        "client p95",
        "server p50",
        "server p95",
        "server max",
        "caught up s (max) / recalcs failed",
    ]
    print_table(header, lines)
    print(f"  load average at the end: {load_average()}")
    deployed = results[DEPLOYED]
    burst_p95 = statistics.median(percentile(r["server"], 0.95) for r in deployed["burst"]) * 1000
    paced_p95 = statistics.median(percentile(r["client"], 0.95) for r in deployed["paced"]) * 1000
    errors = sum(len(r["errors"]) for mode in ("burst", "paced") for r in deployed[mode])
    return (
        0
        if print_verdicts(
            [
                (
                    burst_p95 <= MAX_SERVER_P95_MS,
                    f"burst: server p95 {burst_p95:.0f} ms (target ≤ {MAX_SERVER_P95_MS:.0f} ms)",
                ),
                (
                    paced_p95 <= MAX_PACED_P95_MS,
                    f"paced: client p95 {paced_p95:.0f} ms (target ≤ {MAX_PACED_P95_MS:.0f} ms)",
                ),
                (errors == 0, f"{errors} saves failed in the deployed setup (target 0)"),
                (
                    all(r["recalc_failed"] == 0 for r in results.values()),
                    "failed recalculations: " + ", ".join(str(r["recalc_failed"]) for r in results.values()),
                ),
            ]
        )
        else 1
    )


if __name__ == "__main__":
    sys.exit(main())
