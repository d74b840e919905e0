"""Report card rendering: seconds and peak memory on the scale-1 plan, beside plain WeasyPrint.

Run it with `make bench` (a benchmark, not a test). On the scale-1 big city (reused from
bench/recalculation.py's run, generated otherwise) and its current fiscal year it runs two fresh
processes, one after the other:

1. Planboard: `report_card_data(plan, year)` → `report_card_html(data)` → `report_card_pdf(html)`,
   as the Celery task does, DEBUG off. The process times each step and reads its own peak RSS
   (`ru_maxrss`, a high-water mark) after Django starts and after each step; it saves the HTML.
2. The yardstick: a bare Python process (no Django) running
   `weasyprint.HTML(filename=<the saved HTML>).write_pdf()`.

Peak memory is each process's own peak resident set size, from the rusage the kernel reports
for exactly that child when it ends (`os.wait4`), so one cannot mask the other as a running
maximum over all children would. Seconds are the child's wall time from start to exit, Python
and imports included, for both. A child still running after BENCH_REPORT_CARD_TIMEOUT seconds
(default 240, 8x the target) or holding more than BENCH_REPORT_CARD_KILL_MB of memory (default
4000, 10x the target; it protects the other work on the machine) is killed, and the figures it
had reached are printed with the FAIL.

Targets (PASS/FAIL, exit status 1 on a FAIL): the whole render takes at most 30 s, peaks at
most at 400 MB, and takes at most 1.5x the yardstick's time.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MAX_SECONDS = 30.0
MAX_MB = 400.0
MAX_RATIO_TO_STATIC = 1.5
TIMEOUT = float(os.environ.get("BENCH_REPORT_CARD_TIMEOUT", "240"))
KILL_MB = float(os.environ.get("BENCH_REPORT_CARD_KILL_MB", "4000"))
STEP = "BENCH-STEP "

YARDSTICK = """
import sys, time
started = time.perf_counter()
import weasyprint
pdf = weasyprint.HTML(filename=sys.argv[1]).write_pdf()
open(sys.argv[2], "wb").write(pdf)
print("BENCH-STEP " + '{"step": "write_pdf", "seconds": %f, "bytes": %d}' % (time.perf_counter() - started, len(pdf)),
      flush=True)
"""


def peak_mb() -> float:
    """This process's peak resident set so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(step: str, seconds: float, **extra) -> None:
    print(STEP + json.dumps({"step": step, "seconds": seconds, "peak_mb": peak_mb(), **extra}), flush=True)


def child(slug: str, year: int, folder: Path) -> None:
    """The Planboard side, in its own process: data, HTML, PDF, each timed, the HTML kept."""
    from common import bench_environment

    started = time.perf_counter()
    bench_environment()
    import django

    django.setup()
    from goals.models import Plan
    from reports.report_card import report_card_data, report_card_html, report_card_pdf

    plan = Plan.objects.get(slug=slug)
    report("django.setup", time.perf_counter() - started)
    step = time.perf_counter()
    data = report_card_data(plan, year)
    report("report_card_data", time.perf_counter() - step)
    step = time.perf_counter()
    html = report_card_html(data)
    (folder / "card.html").write_text(html, encoding="utf-8")
    report("report_card_html", time.perf_counter() - step, bytes=len(html.encode()))
    step = time.perf_counter()
    pdf = report_card_pdf(html)
    (folder / "card.pdf").write_bytes(pdf)
    report("report_card_pdf", time.perf_counter() - step, bytes=len(pdf))


def resident_mb(pid: int) -> float:
    """A running process's resident set now, from /proc (0 when it cannot be read)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    line = next((line for line in status.splitlines() if line.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1]) / 1024


def run_child(command: list[str], log: Path) -> dict:
    """Run `command` to its end or its limits; its wall seconds, own peak RSS, steps and why it stopped."""
    started = time.perf_counter()
    with log.open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        killed = ""
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > TIMEOUT:
                killed = f"killed after {TIMEOUT:g} s"
            elif resident_mb(process.pid) > KILL_MB:
                killed = f"killed above {KILL_MB:g} MB"
            if killed:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.05)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    text = log.read_text()
    steps = [json.loads(line.removeprefix(STEP)) for line in text.splitlines() if line.startswith(STEP)]
    if process.returncode != 0 and not killed:
        sys.exit(f"{' '.join(command[:3])} … failed ({process.returncode}):\n{text[-3000:]}")
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "steps": steps, "killed": killed}


def current_fiscal_year(plan) -> int:
    """The fiscal year in progress, kept within the plan's years (the card of a year not begun is refused)."""
    from django.utils import timezone

    from planboard.core.fiscal import fiscal_year_of

    year = fiscal_year_of(timezone.localdate(), plan.fiscal_year_start_month)
    return min(max(year, plan.start_fiscal_year), plan.end_fiscal_year)


def main() -> int:
    from common import django_start, scale_one_plan
    from printing import load_average, print_header, print_table, print_verdicts

    url = django_start()
    import weasyprint

    from initiatives.models import Initiative

    plan = scale_one_plan()
    year = current_fiscal_year(plan)
    print_header(
        "Planboard report card benchmark",
        url,
        {
            "data": f"plan {plan.slug!r} "
            f"(scale 1, {Initiative.objects.filter(plan=plan).count():,} initiatives), FY{year}",
            "renderer": f"WeasyPrint {weasyprint.__version__}; Planboard prints PDF/UA-1, the yardstick a plain PDF",
            "memory": "each child's own peak RSS (os.wait4 rusage ru_maxrss), interpreter and imports included",
            "limits": f"a child is killed after {TIMEOUT:g} s (BENCH_REPORT_CARD_TIMEOUT) or above {KILL_MB:g} MB "
            "(BENCH_REPORT_CARD_KILL_MB)",
        },
    )
    with tempfile.TemporaryDirectory(prefix="bench-report-card-") as name:
        folder = Path(name)
        print("  Planboard: report_card_data → report_card_html → report_card_pdf…", flush=True)
        planboard = run_child(
            [sys.executable, __file__, "--child", plan.slug, str(year), name], folder / "planboard.log"
        )
        print(f"  done in {planboard['seconds']:.1f} s, load {load_average()}", flush=True)
        static = None
        if (folder / "card.html").exists():
            print("  yardstick: weasyprint.HTML(filename=card.html).write_pdf()…", flush=True)
            static = run_child(
                [sys.executable, "-c", YARDSTICK, str(folder / "card.html"), str(folder / "static.pdf")],
                folder / "static.log",
            )
            print(f"  done in {static['seconds']:.1f} s, load {load_average()}", flush=True)

    print()
    print(f"load average {load_average()} at the end")
    lines = [
        [
            f"Planboard: {s['step']}",
            f"{s['seconds']:.2f}",
            f"{s['peak_mb']:.0f}",
            f"{s['bytes']:,}" if "bytes" in s else "",
        ]
        for s in planboard["steps"]
    ]
    lines.append(
        [
            "Planboard: whole render, child process" + (f" ({planboard['killed']})" if planboard["killed"] else ""),
            f"{planboard['seconds']:.2f}",
            f"{planboard['peak_mb']:.0f}",
            "",
        ]
    )
    if static is not None:
        lines.append(
            [
                "yardstick: WeasyPrint on the saved HTML, child process"
                + (f" ({static['killed']})" if static["killed"] else ""),
                f"{static['seconds']:.2f}",
                f"{static['peak_mb']:.0f}",
                f"{static['steps'][0]['bytes']:,}" if static["steps"] else "",
            ]
        )
    print_table(["step", "seconds", "peak RSS MB so far", "output bytes"], lines)
    print()

    finished = not planboard["killed"]
    results = [
        (
            finished and planboard["seconds"] <= MAX_SECONDS,
            f"report card render ≤ {MAX_SECONDS:g} s at scale 1 ({planboard['seconds']:.1f} s"
            f"{'' if finished else ', ' + planboard['killed'] + ' before it finished'})",
        ),
        (
            finished and planboard["peak_mb"] <= MAX_MB,
            f"report card peak memory ≤ {MAX_MB:g} MB ({planboard['peak_mb']:.0f} MB"
            f"{'' if finished else ' when ' + planboard['killed']})",
        ),
    ]
    if static is None or static["killed"]:
        why = "no HTML to render" if static is None else f"{static['killed']}"
        results.append(
            (
                False,
                f"report card within {MAX_RATIO_TO_STATIC:g}x of the static-file yardstick "
                f"(the yardstick did not finish: {why})",
            )
        )
    else:
        ratio = planboard["seconds"] / static["seconds"]
        results.append(
            (
                finished and ratio <= MAX_RATIO_TO_STATIC,
                f"report card within {MAX_RATIO_TO_STATIC:g}x of the static-file yardstick "
                f"({planboard['seconds']:.1f} / {static['seconds']:.1f} s = {ratio:.2f}x; "
                f"memory {planboard['peak_mb'] / static['peak_mb']:.2f}x)",
            )
        )
    return 0 if print_verdicts(results) else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))
    else:
        sys.exit(main())
