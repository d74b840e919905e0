"""Child processes a benchmark measures by themselves: wall seconds, CPU seconds and the child's
own peak resident set (the rusage the kernel reports for exactly that child, `os.wait4`), killed
past a time or memory limit so a runaway cannot take the machine from the rest of the work."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

# A child prints one line per step it measured itself: STEP followed by a JSON object.
STEP = "BENCH-STEP "


def resident_mb(pid: int) -> float:
    """A running process's resident set now, from /proc (0 when it cannot be read)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    line = next((line for line in status.splitlines() if line.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1]) / 1024


def run_child(
    command: list[str], log: Path, *, timeout: float, kill_mb: float, environment: dict | None = None
) -> dict:
    """Run `command` (its output to `log`) to its end or its limits: its wall and CPU seconds, own
    peak RSS, the steps it printed and why it was stopped ("" when it ended by itself). A child that
    fails on its own ends the benchmark with the tail of its output."""
    started, killed = time.perf_counter(), ""
    with log.open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=environment)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout:
                killed = f"killed after {timeout:g} s"
            elif resident_mb(process.pid) > kill_mb:
                killed = f"killed above {kill_mb:g} MB"
            if killed:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.05)
    seconds = time.perf_counter() - started
    text = log.read_text()
    code = os.waitstatus_to_exitcode(status)
    if code != 0 and not killed:
        sys.exit(f"{' '.join(command[:3])} … failed ({code}):\n{text[-3000:]}")
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
        "steps": [json.loads(line.removeprefix(STEP)) for line in text.splitlines() if line.startswith(STEP)],
        "killed": killed,
    }
