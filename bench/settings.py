"""Settings for `make bench` only: Planboard's own, plus the hello-world yardstick's route.

The benchmarks serve Planboard under gunicorn with these settings (DJANGO_SETTINGS_MODULE=
bench.settings) so that a hello-world JSON view runs on the same server, behind the same
middleware, as the pages and the API it is compared with. The product's URLs are unchanged.
Manifest static files (DEBUG off) are collected into BENCH_STATIC_ROOT, away from var/static.
"""

import os
from pathlib import Path

from planboard.settings import *  # noqa: F403
from planboard.settings import VAR_DIR

ROOT_URLCONF = "bench.hello"
STATIC_ROOT = Path(os.environ.get("BENCH_STATIC_ROOT", str(VAR_DIR / "bench-static")))
# The same hashed names as production's storage, without compressing every file on each run
# (22 s here): the benchmarks request pages, never the static files themselves.
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
