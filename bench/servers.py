"""Planboard under gunicorn on loopback and wrk against it, for the API and page benchmarks: the
tools' versions, a server on a free port (started and stopped around a `with` block), the check
that a path answers exactly 200 before it is measured, and one wrk run reported as requests per
second, p50/p95/p99 latency and errors (any error stops the benchmark).
"""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from common import BIN, HELLO_PATH, ROOT

# wrk prints percentiles only for 50/75/90/99; this script reports what the benchmarks need as one
# JSON line. wrk counts a status above 399 as an error ("non-2xx or 3xx"), so the pages are also
# checked for exactly 200 before each run (check_ok).
WRK_SCRIPT = """
local paths = {%(paths)s}
local n = 0
if #paths > 1 then
  request = function()
    n = n %% #paths + 1
    return wrk.format(nil, paths[n])
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %%d, "duration_us": %%d, "non2xx": %%d, "socket_errors": %%d, ' ..
    '"p50_ms": %%.3f, "p95_ms": %%.3f, "p99_ms": %%.3f, "max_ms": %%.3f}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
"""


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        sys.exit("wrk is not installed: `apt-get install -y wrk` as root (make bench does it when run as root).")
    return found


def wrk_version() -> str:
    result = subprocess.run([wrk_path(), "--version"], capture_output=True, text=True)
    return (result.stdout or result.stderr).splitlines()[0].split(" [")[0].strip()


def gunicorn_version() -> str:
    result = subprocess.run([str(BIN / "gunicorn"), "--version"], capture_output=True, text=True)
    return (result.stdout or result.stderr).strip().splitlines()[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(workers: int = 2, environment: dict[str, str] | None = None) -> Iterator[str]:
    """Planboard (with the benchmark's hello-world route) under gunicorn on loopback; its base URL.
    `environment` adds to or overrides this process's variables for the server."""
    port = _free_port()
    options = ["--workers", str(workers), "--worker-class", "sync", "--bind", f"127.0.0.1:{port}"]
    with _serving([*options, "--no-control-socket"], port, environment) as base:
        yield base


@contextlib.contextmanager
def gunicorn_deployed(environment: dict[str, str] | None = None) -> Iterator[str]:
    """Planboard under gunicorn as deployed: planboard/gunicorn_conf.py, whose GUNICORN_*
    variables `environment` may set (workers, worker class, threads, the access log); its base URL."""
    port = _free_port()
    environment = {"GUNICORN_ACCESS_LOG": "", **(environment or {}), "GUNICORN_BIND": f"127.0.0.1:{port}"}
    with _serving(["-c", "python:planboard.gunicorn_conf"], port, environment) as base:
        yield base


@contextlib.contextmanager
def _serving(options: list[str], port: int, environment: dict[str, str] | None) -> Iterator[str]:
    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), *options, "--chdir", str(ROOT), "planboard.wsgi:application"],
        cwd=ROOT,
        env={**os.environ, **(environment or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + HELLO_PATH, timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"gunicorn did not start; its log:\n{Path(log.name).read_text()[-3000:]}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        Path(log.name).unlink(missing_ok=True)


def check_ok(base: str, path: str, headers: dict[str, str], content_type: str) -> int:
    """Fail loudly unless `path` answers exactly 200 with `content_type`; the body's size in bytes."""
    request = urllib.request.Request(base + path, headers=headers)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            body = response.read()
            status, kind = response.status, response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        status, kind, body = error.code, error.headers.get("Content-Type", ""), error.read()
    if status != 200 or not kind.startswith(content_type):
        sys.exit(
            f"{path} answered {status} ({kind}), not 200 ({content_type}); the benchmark would measure "
            f"the wrong thing. Body: {body[:500]!r}"
        )
    return len(body)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect (to the sign-in page, say) is a failed check, not something to follow."""

    def redirect_request(self, *args, **kwargs):
        return None


def wrk(base: str, paths: list[str], *, headers: dict[str, str], threads: int, connections: int, seconds: int) -> dict:
    """One wrk run over `paths` (in turn); requests/s, p50/p95/p99 ms, non-2xx and socket errors."""
    quoted = ", ".join(json.dumps(path) for path in paths)
    with tempfile.NamedTemporaryFile("w", prefix="bench-wrk-", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"paths": quoted})
    try:
        command = [
            wrk_path(),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            script.name,
        ]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        result = subprocess.run(command + [base + paths[0]], capture_output=True, text=True)
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next((line for line in result.stdout.splitlines() if line.startswith("BENCH-JSON ")), None)
    if result.returncode != 0 or line is None:
        sys.exit(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    figures = json.loads(line.removeprefix("BENCH-JSON "))
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    if figures["non2xx"] or figures["socket_errors"]:
        sys.exit(
            f"wrk against {paths[0]} saw {figures['non2xx']} responses with status ≥ 400 and "
            f"{figures['socket_errors']} socket errors in {figures['requests']} requests: "
            f"the figures would not mean anything.\n{result.stdout}"
        )
    return figures
