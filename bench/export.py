"""The plan export (`GET /api/v1/plans/{id}/export/`): seconds, bytes and the peak memory of the
process doing it, at scale 1 (the streamed answer) and scale 10 (the background job).

Run it with `make bench` (a benchmark, not a test). It measures the plans bench/recalculation.py
generates in the same database: `bench-1` (scale 1: 3,000 initiatives, 300,000 readings, 720,000
status updates; generated when missing) and `bench-10` (scale 10; there only when
BENCH_SCALES includes 10, otherwise its rows are skipped and said so).

Each measurement is a fresh child process, DEBUG off, that starts Django, signs the benchmark's
viewer in and asks for the export through the real view with Django's test client (URL routing,
middleware, authentication, the view and its response), then reads the answer chunk by chunk
from `streaming_content`, counting the bytes and hashing them and keeping none, as a WSGI server
writing to a socket would. The child is the serving process, so its peak resident set is what a
gunicorn worker would reach: it is read from the rusage the kernel reports for exactly that
child when it ends (`os.wait4`, ru_maxrss), interpreter and imports included; its figure after
Django starts is printed beside it. Seconds are the request's, from `client.get` to the last
chunk (first byte too); CPU s is the serving process's own CPU time for the request, which
other work on the cores moves less than wall time (PostgreSQL's own work is not in it). Three
runs per plan, min/median/max. A child still running after BENCH_EXPORT_TIMEOUT seconds
(default 400, 3x the slowest scale-10 run seen) or holding more than BENCH_EXPORT_KILL_MB
(default 4000) is killed and reported as a FAIL. An answer that is not streamed (the export before it
streamed) is read whole from `content`, so the same script measures either.

Targets (PASS/FAIL, exit status 1 on a FAIL), set from what was measured (December 2026, 2
cores shared, load 4-10): peak memory ≤ 150 MB at each scale, the scale-10 peak within 1.3x of
the scale-1 peak, and the scale-1 export in ≤ 30 s, half of gunicorn's 60 s worker timeout.
The streamed export peaked at 93-95 MB at both scales, of which 75 MB is Django and the app
before the request; the ~20 MB above it are a chunk of rows per open cursor, the 64 KiB output
buffer and one parent's children, none of which grows with the plan. 150 MB leaves room for
library and interpreter drift while still catching any return to holding the plan (the export
that built the whole document peaked at 841 MB at scale 1 and passed 4 GB at scale 10); 1.3x
would catch memory that follows the plan's size (10x the rows). Scale 1 took 11-15 s there.
Scale 10 streamed took about 135 s, over gunicorn's 60 s timeout, so a sync worker was killed
mid-answer. A plan with more initiatives than PLANBOARD_EXPORT_SYNC_MAX_INITIATIVES (5,000 by
default: scale 1 has 3,000, scale 10 30,000) is therefore exported by a background job
(reports.export_jobs), and that is what is measured for it, the mode following the same setting
the API reads ("job" in the table). The child is then the web request and the worker in turn:
the request (`GET …/export/`, Celery sending to an in-memory broker, nothing run) must answer 202
with a queued job in ≤ JOB_ANSWER_SECONDS (after one request to warm the process up, as a
serving worker is), then the child runs the job's task as a Celery worker
runs it (`write_plan_export.apply`), and its peak RSS is the worker's. Seconds are from the request
to the job being done (file written and saved, row updated); "answer s" is the 202's. The file goes
to a MEDIA_ROOT in the benchmark's temporary folder, the spooled copy to the system's temporary
folder (about 1 GB each at scale 10), and the job and its file are deleted after each run, so the
next run starts a new one. The job's time is printed with a NOTE, not judged (no request waits for
it; the task's limit is an hour); its peak memory is held to the same 150 MB and 1.3x.

A quick run on a small plan of your own database (the shared planboard_bench is left alone):
`BENCH_EXPORT_PLANS=SLUG[,SLUG] PLANBOARD_EXPORT_SYNC_MAX_INITIATIVES=N python bench/export.py`
measures the listed plans only (none generated); a plan above N takes the job path.
"""

import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from children import STEP, run_child
from printing import spread

MAX_MB = 150.0
JOB_ANSWER_SECONDS = 2.0  # the request that starts a background export: a count and an insert
MAX_GROWTH = 1.3  # scale-10 peak / scale-1 peak
MAX_SCALE_ONE_SECONDS = 30.0
GUNICORN_TIMEOUT = 60.0
RUNS = 3
SCALE_TEN_SLUG = "bench-10"
TIMEOUT = float(os.environ.get("BENCH_EXPORT_TIMEOUT", "400"))
KILL_MB = float(os.environ.get("BENCH_EXPORT_KILL_MB", "4000"))


def peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(step: str, seconds: float, **extra) -> None:
    print(
        STEP
        + json.dumps({"step": step, "seconds": seconds, "cpu": time.process_time(), "peak_mb": peak_mb(), **extra}),
        flush=True,
    )


def child(slug: str, mode: str) -> None:
    """The serving side, in its own process: one export request, read to its end and thrown away,
    or (`mode` "job") the request that starts a background export and then the worker's task."""
    from common import bench_client, bench_environment, bench_viewer

    started = time.perf_counter()
    bench_environment()
    import django

    django.setup()
    from goals.models import Plan

    plan = Plan.objects.get(slug=slug)
    viewer = bench_viewer()
    client = bench_client(user=viewer)
    report("django.setup", time.perf_counter() - started)
    if mode == "job":
        job_child(plan, viewer, client)
        return
    digest, size, first_byte = hashlib.sha256(), 0, None
    started = time.perf_counter()
    response = client.get(f"/api/v1/plans/{plan.pk}/export/")
    if response.status_code != 200:
        sys.exit(f"The export of {slug} answered {response.status_code}, not 200.")
    chunks = response.streaming_content if response.streaming else [response.content]
    for chunk in chunks:
        if first_byte is None:
            first_byte = time.perf_counter() - started
        digest.update(chunk)
        size += len(chunk)
    report(
        "export",
        time.perf_counter() - started,
        first_byte=first_byte,
        bytes=size,
        sha256=digest.hexdigest()[:16],
        answer="streamed" if response.streaming else "whole",
        content_length=response.get("Content-Length"),
        content_disposition=response.get("Content-Disposition"),
    )


def job_child(plan, viewer, client) -> None:
    """The request that starts a background export (sent to the in-memory broker, not run), then
    the job's task run here as a worker runs it; the job and its file are deleted at the end."""
    from planboard.celery import app
    from reports.models import PlanExport
    from reports.tasks import write_plan_export

    def forget() -> None:
        for job in PlanExport.objects.filter(plan=plan, requested_by=viewer):
            job.file.delete(save=False)
            job.delete()

    forget()  # a run cut short leaves its job, which would be reused ("fresh") and measure nothing
    app.conf.task_always_eager = False  # settings have no REDIS_URL: the broker is memory://
    # A gunicorn worker answering it is warm: the first request of a process loads the URLs and the
    # API's modules (about 1 s here), which the 202's own time should not carry.
    client.get(f"/api/v1/plans/{plan.pk}/")
    started = time.perf_counter()
    response = client.get(f"/api/v1/plans/{plan.pk}/export/")
    answered = time.perf_counter() - started
    if response.status_code != 202 or response.json()["state"] != "queued":
        sys.exit(f"The export of {plan.slug} answered {response.status_code}, not 202 with a queued job.")
    job_id = response.json()["id"]
    write_plan_export.apply(args=[job_id])
    seconds = time.perf_counter() - started
    job = PlanExport.objects.get(pk=job_id)
    if job.state != "done":
        sys.exit(f"The export job of {plan.slug} ended {job.state}: {job.error}")
    digest = hashlib.sha256()
    with job.file.open("rb") as saved:  # after the timing: reading the file back is not the job's
        for block in iter(lambda: saved.read(1 << 20), b""):
            digest.update(block)
    report(
        "export",
        seconds,
        first_byte=answered,
        bytes=job.size,
        sha256=digest.hexdigest()[:16],
        answer="job",
        task_seconds=(job.finished_at - job.started_at).total_seconds(),
    )
    forget()


def measure(slug: str, mode: str, folder: Path) -> list[dict]:
    """RUNS fresh children exporting `slug`: per run the request's figures and the child's own."""
    from printing import load_average

    runs = []
    media = {**os.environ, "MEDIA_ROOT": str(folder / "media")}
    for n in range(1, RUNS + 1):
        result = run_child(
            [sys.executable, __file__, "--child", slug, mode],
            folder / f"{slug}-{n}.log",
            timeout=TIMEOUT,
            kill_mb=KILL_MB,
            environment=media,
        )
        steps = {s["step"]: s for s in result["steps"]}
        run = {
            "killed": result["killed"],
            "child_seconds": result["seconds"],
            "cpu_seconds": result["cpu_seconds"],
            "peak_mb": result["peak_mb"],
            "setup_mb": steps.get("django.setup", {}).get("peak_mb"),
            **steps.get("export", {}),
        }
        if "export" in steps:  # the request's own CPU time, Django's start left out
            run["cpu"] = steps["export"]["cpu"] - steps["django.setup"]["cpu"]
        runs.append(run)
        print(
            f"  {slug} run {n}: "
            + (
                run["killed"]
                if run["killed"]
                else f"{run['seconds']:.1f} s, {run['bytes']:,} bytes, peak {run['peak_mb']:.0f} MB"
            )
            + f"; load {load_average()}",
            flush=True,
        )
        if run["killed"]:
            break
    return runs


def table_line(slug: str, runs: list[dict]) -> list[str]:
    done = [r for r in runs if not r["killed"]]
    if not done:
        return [slug, runs[0]["killed"], "", "", "", "", "", "", ""]
    return [
        slug + ("" if len(done) == len(runs) else f" ({runs[-1]['killed']})"),
        spread([r["seconds"] for r in done], ".2f"),
        spread([r["cpu"] for r in done], ".2f"),
        spread([r["first_byte"] for r in done], ".3f"),
        spread([r["peak_mb"] for r in done], ".0f"),
        spread([r["setup_mb"] for r in done], ".0f"),
        f"{done[0]['bytes']:,}",
        ",".join(sorted({r["sha256"] for r in done})),
        done[0]["answer"],
    ]


def main() -> int:
    from common import django_start, scale_one_plan
    from printing import load_average, print_header, print_table, print_verdicts

    url = django_start()
    from django.conf import settings

    from goals.models import Plan
    from initiatives.models import Initiative

    chosen = [slug for slug in os.environ.get("BENCH_EXPORT_PLANS", "").split(",") if slug]
    plans = chosen or [scale_one_plan().slug]
    if not chosen and Plan.objects.filter(slug=SCALE_TEN_SLUG).exists():
        plans.append(SCALE_TEN_SLUG)
    sizes = {slug: Initiative.objects.filter(plan__slug=slug).count() for slug in plans}
    threshold = settings.PLANBOARD_EXPORT_SYNC_MAX_INITIATIVES
    modes = {slug: "job" if size > threshold else "sync" for slug, size in sizes.items()}
    counts = ", ".join(f"{slug}: {size:,} initiatives ({modes[slug]})" for slug, size in sizes.items())
    print_header(
        "Planboard plan export benchmark",
        url,
        {
            "data": counts
            + ("" if SCALE_TEN_SLUG in plans or chosen else f"; {SCALE_TEN_SLUG} not made (BENCH_SCALES=0.1,1,10)"),
            "request": "GET /api/v1/plans/{id}/export/ through Django's test client in a fresh child, "
            "read chunk by chunk and thrown away (sync); above "
            f"PLANBOARD_EXPORT_SYNC_MAX_INITIATIVES={threshold:,} the 202 and then the job's task in the "
            "same child, as a worker (job)",
            "memory": "each child's own peak RSS (os.wait4 rusage ru_maxrss), interpreter and imports included",
            "runs": f"{RUNS} per plan, min / median / max; limits BENCH_EXPORT_TIMEOUT, BENCH_EXPORT_KILL_MB",
        },
    )
    results: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-export-") as name:
        for slug in plans:
            results[slug] = measure(slug, modes[slug], Path(name))
    print()
    print(f"load average {load_average()} at the end")
    print_table(
        ["plan", "seconds", "CPU s", "first byte / 202 s", "peak MB", "MB after setup", "bytes", "sha256", "answer"],
        [table_line(slug, runs) for slug, runs in results.items()],
    )
    print()
    passed = print_verdicts(verdicts(results, modes))
    for slug, runs in results.items():
        done = [r["seconds"] for r in runs if not r["killed"]]
        if done and modes[slug] == "job":
            print(
                f"NOTE  the background export of {slug} is done {statistics.median(done):.0f} s (median) after "
                "the request; no request waits for it, so gunicorn's timeout does not apply; not a target"
            )
        elif done and statistics.median(done) > GUNICORN_TIMEOUT:
            print(f"NOTE  the streamed export of {slug} is over gunicorn's {GUNICORN_TIMEOUT:g} s worker timeout")
    return 0 if passed else 1


def verdicts(results: dict[str, list[dict]], modes: dict[str, str]) -> list[tuple[bool, str]]:
    def peak(slug: str) -> float | None:
        runs = results.get(slug, [])
        if not runs or any(r["killed"] for r in runs):
            return None
        return statistics.median(r["peak_mb"] for r in runs)

    lines = []
    for slug, runs in results.items():
        median = peak(slug)
        shown = f"median {median:.0f} MB" if median is not None else runs[-1]["killed"]
        lines.append((median is not None and median <= MAX_MB, f"export of {slug} peaks ≤ {MAX_MB:g} MB ({shown})"))
        answers = [r["first_byte"] for r in runs if not r["killed"]]
        if modes[slug] == "job":
            answer = statistics.median(answers) if len(answers) == len(runs) else None
            lines.append(
                (
                    answer is not None and answer <= JOB_ANSWER_SECONDS,
                    f"export request of {slug} answers 202 with its job in ≤ {JOB_ANSWER_SECONDS:g} s "
                    f"({f'median {answer:.3f} s' if answer is not None else runs[-1]['killed']})",
                )
            )
    one, ten = next(iter(results)), SCALE_TEN_SLUG
    scale_one = [r for r in results[one] if not r["killed"]]
    seconds = statistics.median(r["seconds"] for r in scale_one) if len(scale_one) == len(results[one]) else None
    lines.append(
        (
            seconds is not None and seconds <= MAX_SCALE_ONE_SECONDS,
            f"export of {one} in ≤ {MAX_SCALE_ONE_SECONDS:g} s "
            f"({f'median {seconds:.1f} s' if seconds is not None else results[one][-1]['killed']})",
        )
    )
    if ten in results:
        small, large = peak(one), peak(ten)
        ratio = large / small if small and large else None
        lines.append(
            (
                ratio is not None and ratio <= MAX_GROWTH,
                f"export peak at scale 10 within {MAX_GROWTH:g}x of scale 1 "
                f"({f'{large:.0f} / {small:.0f} MB = {ratio:.2f}x' if ratio else 'a run did not finish'})",
            )
        )
    return lines


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main())
