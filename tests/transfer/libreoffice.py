"""Passing files through a real LibreOffice (`soffice --headless`), as a person opening and saving them.

`convert` converts many files in one soffice run (each run starts LibreOffice, about 2-3 s), with
its own profile directory so parallel runs do not share one. Tests marked `libreoffice` skip when
soffice is missing, except under PLANBOARD_REQUIRE_SERVICES=1 (.ci/run), where they fail.
"""

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# CSV as LibreOffice writes it when a person saves a sheet as CSV: comma, double quotes, UTF-8 (76),
# the first line kept, cells saved as shown (so a date formatted MM/DD/YY is written 03/15/26).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1"


def require_soffice() -> str:
    if SOFFICE:
        return SOFFICE
    if os.environ.get("PLANBOARD_REQUIRE_SERVICES") == "1":
        pytest.fail("LibreOffice tests need soffice: apt-get install -y --no-install-recommends libreoffice-calc")
    pytest.skip("needs LibreOffice (soffice): apt-get install -y --no-install-recommends libreoffice-calc")


def convert(files: list[Path], to: str, out: Path) -> dict[str, Path]:
    """Open each file in LibreOffice and save it as `to` ("xlsx" or "csv") in `out`; by input name."""
    soffice = require_soffice()
    out.mkdir(parents=True, exist_ok=True)
    profile = Path("/tmp") / f"lo-planboard-{uuid.uuid4().hex}"
    try:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                CSV_FILTER if to == "csv" else "xlsx",
                "--outdir",
                str(out),
                *map(str, files),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    converted = {path.name: out / f"{path.stem}.{to}" for path in files}
    missing = [name for name, path in converted.items() if not path.exists()]
    assert not missing, f"LibreOffice did not convert {missing}"
    return converted
