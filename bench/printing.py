"""What the benchmarks print: a header naming the database, versions, commit, machine and load
(other work on the same cores skews every figure), right-aligned tables, the PASS/FAIL lines, and
the table of where a request's time goes (`common.breakdown`).
"""

import os
import platform
import statistics
import subprocess
from pathlib import Path

from common import ROOT, masked, postgres_version


def git_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (" + uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def machine() -> str:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else ""
    )
    memory = ""
    if Path("/proc/meminfo").exists():
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    return f"nproc {len(os.sched_getaffinity(0))} ({cpu}){memory}, {platform.system()} {platform.release()}"


def load_average() -> str:
    """Other work on the same cores skews every figure: print it beside them."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def print_header(title: str, url: str, extra: dict[str, str]) -> None:
    """The benchmark's name, database, versions, machine and load, then `extra` lines."""
    import django

    print()
    print(title)
    print(f"  database    {masked(url)} ({postgres_version()})")
    print(f"  versions    Python {platform.python_version()}, Django {django.get_version()}, planboard {git_commit()}")
    print(f"  machine     {machine()}")
    print(f"  load        {load_average()} (1, 5, 15 min) at start")
    for label, text in extra.items():
        print(f"  {label:<11} {text}")
    print(flush=True)


def print_table(header: list[str], lines: list[list[str]]) -> None:
    """Right-aligned columns, like bench/recalculation.py's table."""
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    print(" | ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for line in lines:
        print(" | ".join(cell.rjust(w) for cell, w in zip(line, widths, strict=True)))


def print_verdicts(results: list[tuple[bool, str]]) -> bool:
    """PASS/FAIL per target; True when none failed."""
    for passed, target in results:
        print(f"{'PASS' if passed else 'FAIL'}  {target}")
    return all(passed for passed, _ in results)


def print_breakdown(rows: dict[str, dict]) -> None:
    """The table of breakdown() figures, one row per page or endpoint."""
    print_table(
        ["requested in this process", "total ms", "queries", "SQL ms", "everything else ms", "Django CPU ms"],
        [
            [
                name,
                f"{row['total_ms']:.1f}",
                f"{row['queries']:.0f}",
                f"{row['sql_ms']:.1f}",
                f"{row['other_ms']:.1f}",
                f"{row['cpu_ms']:.1f}",
            ]
            for name, row in rows.items()
        ],
    )


def spread(values: list[float], spec: str = ".1f") -> str:
    """ "min / median / max" of repeated figures, each written with the format `spec` (on shared
    cores one run alone says little); the one value when there is one, nothing when there is none."""
    if not values:
        return ""
    if len(values) == 1:
        return format(values[0], spec)
    return " / ".join(format(v, spec) for v in (min(values), statistics.median(values), max(values)))
