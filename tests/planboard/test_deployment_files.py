"""The files that run Planboard outside Python agree with the code: docker-compose.yml,
.env.example, the Dockerfile and the Makefile."""

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
ENV_HELPER_CALL = re.compile(r'\benv_\w+\(\s*["\']([A-Z][A-Z0-9_]*)["\']')
DIRECT_ENVIRON_READ = re.compile(
    r'os\.(?:environ\.get|getenv)\(\s*"([A-Z][A-Z0-9_]*)"|os\.environ\[\s*"([A-Z][A-Z0-9_]*)"\s*\]'
)
# `NAME=value`, or `# NAME=value` for a variable whose default is shown commented out.
ENV_EXAMPLE_LINE = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)
COMPOSE_INTERPOLATION = re.compile(r"\$\{([A-Z][A-Z0-9_]*)")


def read(name: str) -> str:
    return (REPO_ROOT / name).read_text()


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(read("docker-compose.yml"))


def command_line(service: dict) -> str:
    """A service's command as one string, whether written as a list or a string."""
    command = service["command"]
    return " ".join(command) if isinstance(command, list) else command


def settings_variables() -> set[str]:
    source = read("planboard/settings.py")
    direct = {name for pair in DIRECT_ENVIRON_READ.findall(source) for name in pair if name}
    gunicorn = set(re.findall(r'"(GUNICORN_[A-Z_]+)"', read("planboard/gunicorn_conf.py")))
    return set(ENV_HELPER_CALL.findall(source)) | direct | gunicorn


def env_example_variables() -> set[str]:
    return set(ENV_EXAMPLE_LINE.findall(read(".env.example")))


def compose_variables() -> set[str]:
    return set(COMPOSE_INTERPOLATION.findall(read("docker-compose.yml")))


# --- docker-compose.yml ------------------------------------------------------------------------


def test_compose_has_the_five_services(compose):
    assert set(compose["services"]) == {"web", "worker", "beat", "db", "redis"}


def test_web_migrates_collects_static_then_serves_with_gunicorn(compose):
    command = command_line(compose["services"]["web"])
    assert "gunicorn -c python:planboard.gunicorn_conf planboard.wsgi" in command
    migrate, collect, serve = (
        command.index(part) for part in ("manage.py migrate", "manage.py collectstatic", "gunicorn")
    )
    assert migrate < collect < serve


def test_gunicorn_settings_come_from_the_environment_and_refuse_bad_values(monkeypatch):
    import importlib

    from planboard import gunicorn_conf

    # gunicorn 27 otherwise creates a control socket in the home directory (PITFALLS.md).
    assert gunicorn_conf.control_socket_disable is True
    assert (gunicorn_conf.worker_class, gunicorn_conf.threads) == ("sync", 1)
    monkeypatch.setenv("GUNICORN_WORKERS", "7")
    monkeypatch.setenv("GUNICORN_WORKER_CLASS", "gthread")
    assert (importlib.reload(gunicorn_conf).workers, gunicorn_conf.worker_class) == (7, "gthread")
    monkeypatch.setenv("GUNICORN_WORKERS", "many")
    with pytest.raises(SystemExit, match="GUNICORN_WORKERS must be a whole number, 1 or more, not 'many'"):
        importlib.reload(gunicorn_conf)
    monkeypatch.delenv("GUNICORN_WORKERS")
    monkeypatch.delenv("GUNICORN_WORKER_CLASS")
    importlib.reload(gunicorn_conf)


def test_the_image_serves_with_the_same_gunicorn_settings():
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    assert 'CMD ["gunicorn", "-c", "python:planboard.gunicorn_conf", "planboard.wsgi"]' in dockerfile


def test_worker_and_beat_run_celery_for_planboard(compose):
    worker = command_line(compose["services"]["worker"])
    beat = command_line(compose["services"]["beat"])
    assert worker.startswith("celery -A planboard worker")
    assert beat.startswith("celery -A planboard beat")
    # On `celery worker`, -S means --statedb, not --scheduler (PITFALLS.md).
    assert " -S" not in worker.split("worker", 1)[1]


def test_db_is_postgres_15_with_a_volume_and_healthcheck(compose):
    db = compose["services"]["db"]
    assert db["image"] == "postgres:15"
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in db["volumes"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_redis_is_redis_7_with_healthcheck(compose):
    redis = compose["services"]["redis"]
    assert redis["image"] == "redis:7"
    assert "ping" in " ".join(redis["healthcheck"]["test"])


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_planboard_services_wait_for_healthy_db_and_redis_and_read_dot_env(compose, name):
    service = compose["services"][name]
    assert service["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    assert service["env_file"] == ".env"
    assert service["build"] == "."


def test_web_and_worker_share_the_media_volume(compose):
    # The worker renders report card PDFs into media; web serves them.
    web, worker = compose["services"]["web"], compose["services"]["worker"]
    assert "media:/app/var/media" in web["volumes"]
    assert "media:/app/var/media" in worker["volumes"]
    assert "media" in compose["volumes"]


# --- .env.example against settings.py -----------------------------------------------------------


def test_settings_variables_are_found():
    # Guards the pattern itself: if it matched nothing, the two tests below would prove nothing.
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_PORT"} <= settings_variables()


def test_every_variable_settings_reads_is_documented_in_env_example():
    undocumented = settings_variables() - env_example_variables()
    assert not undocumented, f"add these to .env.example (and the README table): {sorted(undocumented)}"


def test_every_variable_in_env_example_is_read_by_settings_or_compose():
    unused = env_example_variables() - settings_variables() - compose_variables()
    assert not unused, f".env.example lists variables nothing reads: {sorted(unused)}"


def test_env_example_gives_compose_a_database_password_matching_database_url():
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", read(".env.example"), re.MULTILINE))
    assert compose_variables() <= set(values)
    assert f":{values['POSTGRES_PASSWORD']}@db:5432/" in values["DATABASE_URL"]


def test_env_example_values_pass_the_settings_checks():
    """The example itself starts: only its values, in a fresh process, the way compose passes them."""
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", read(".env.example"), re.MULTILINE))
    env = {name: value for name, value in os.environ.items() if name not in settings_variables()}
    env.update(values)
    env["DJANGO_SETTINGS_MODULE"] = "planboard.settings"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


# --- Dependencies -------------------------------------------------------------------------------


def test_runtime_dependencies_include_what_the_redis_broker_imports():
    # Celery with Redis needs kombu's redis extra (redis and packaging); a plain `celery` pin lacks packaging.
    dependencies = tomllib.loads(read("pyproject.toml"))["project"]["dependencies"]
    names = {re.split(r"[=<>~! ;]", dependency, maxsplit=1)[0].lower() for dependency in dependencies}
    assert "celery[redis]" in names or "packaging" in names


# --- Dockerfile and Makefile --------------------------------------------------------------------


def test_dockerfile_builds_on_python_311_bookworm_and_runs_as_a_non_root_user():
    dockerfile = read("Dockerfile")
    assert re.search(r"^FROM python:3\.11-slim-bookworm$", dockerfile, re.MULTILINE)
    users = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b", "libfontconfig1", "fonts-dejavu-core"):
        assert package in dockerfile


def test_dockerignore_keeps_secrets_and_local_data_out_of_the_image():
    ignored = set(read(".dockerignore").split())
    assert {".env", ".venv", "var", ".git"} <= ignored


def make_dry_run(target: str) -> str:
    """The commands `make <target>` would run on a bare checkout, without running them."""
    if shutil.which("make") is None:
        pytest.fail("GNU make is needed for `make run` and `make test`; install it (apt-get install make).")
    # Clear make's own variables: this test may itself run under `make test`.
    env = {name: value for name, value in os.environ.items() if name not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", target],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_installs_migrates_loads_the_demo_and_serves_on_localhost():
    commands = make_dry_run("run")
    steps = [
        "-m venv .venv",
        "pip install",
        "manage.py migrate",
        "manage.py load_demo",
        "manage.py runserver 127.0.0.1:8000",
    ]
    positions = [commands.index(step) for step in steps]
    assert positions == sorted(positions)
    assert "[dev]" not in commands


def test_make_test_checks_migrations_then_runs_pytest():
    commands = make_dry_run("test")
    steps = ["pip install", ".[dev]", "manage.py check", "manage.py makemigrations --check --dry-run", "pytest"]
    positions = [commands.index(step) for step in steps]
    assert positions == sorted(positions)


def test_ci_script_is_executable_strict_and_uses_real_services():
    script = REPO_ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK)
    text = script.read_text()
    assert "set -euo pipefail" in text
    assert "PLANBOARD_REQUIRE_SERVICES=1" in text
    assert 'DATABASE_URL="postgres://' in text
    assert 'REDIS_URL="redis://' in text
    assert "make test" in text
