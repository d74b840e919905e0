"""Settings read from the environment: a bad value stops start-up naming the variable.

The start-up tests load planboard.settings in a fresh Python process, the way manage.py,
gunicorn and Celery do, because settings are read once per process.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from planboard.env import env_bool, env_database, env_int, env_list, env_redis_url, env_str

REPO_ROOT = Path(__file__).resolve().parents[2]

# Every variable settings.py reads (each through an env_* helper), removed before each start-up so
# that the environment the suite runs in (DATABASE_URL and REDIS_URL under .ci/run) cannot leak in.
SETTINGS_VARIABLES = set(
    re.findall(r'\benv_\w+\(\s*"([A-Z][A-Z0-9_]*)"', (REPO_ROOT / "planboard" / "settings.py").read_text())
) | {"DJANGO_SETTINGS_MODULE"}

START_UP = """
import json, os
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "planboard.settings"
django.setup()
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "DATABASE": {key: settings.DATABASES["default"][key] for key in ("ENGINE", "NAME", "HOST", "PORT", "USER")},
    "CELERY_TASK_ALWAYS_EAGER": settings.CELERY_TASK_ALWAYS_EAGER,
    "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    "EMAIL_PORT": settings.EMAIL_PORT,
    "EMAIL_BACKEND": settings.EMAIL_BACKEND,
    "STATICFILES_BACKEND": settings.STORAGES["staticfiles"]["BACKEND"],
    "CACHE": {key: settings.CACHES["default"].get(key) for key in ("BACKEND", "LOCATION")},
    "API_CACHE_SECONDS": settings.API_CACHE_SECONDS,
}))
"""


def start_up(**environment: str) -> subprocess.CompletedProcess:
    """Load planboard.settings in a new process with only `environment` set of Planboard's variables."""
    env = {name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-c", START_UP], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def settings_after_start_up(**environment: str) -> dict:
    result = start_up(**environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def assert_start_up_refused(variable: str, **environment: str) -> str:
    """Start-up fails with ImproperlyConfigured, and the message names `variable`."""
    result = start_up(**environment)
    assert result.returncode != 0, f"start-up with {environment} should have failed"
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured:"), result.stderr
    assert variable in last_line
    return last_line


# --- Start-up refuses bad values ----------------------------------------------------------------


def test_debug_that_is_not_a_yes_or_no_is_refused():
    message = assert_start_up_refused("DEBUG", DEBUG="maybe")
    assert "'maybe'" in message


def test_production_without_a_secret_key_is_refused():
    assert_start_up_refused("SECRET_KEY", DEBUG="false", ALLOWED_HOSTS="planboard.example.gov")


def test_production_without_allowed_hosts_is_refused():
    assert_start_up_refused("ALLOWED_HOSTS", DEBUG="false", SECRET_KEY="x" * 50)


def test_production_with_blank_allowed_hosts_is_refused():
    # " , " splits into nothing but blanks, which is as good as no host at all.
    assert_start_up_refused("ALLOWED_HOSTS", DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS=" , ")


def test_database_url_with_an_unknown_scheme_is_refused():
    message = assert_start_up_refused("DATABASE_URL", DATABASE_URL="nonsense://x")
    assert "postgres://" in message  # the message shows what a good URL looks like


def test_redis_url_that_is_not_redis_is_refused():
    message = assert_start_up_refused("REDIS_URL", REDIS_URL="http://x")
    assert "'http://x'" in message


def test_cache_url_that_is_not_redis_is_refused():
    message = assert_start_up_refused("CACHE_URL", CACHE_URL="memcached://cache.example.gov:11211")
    assert "redis://" in message


def test_negative_api_cache_seconds_is_refused():
    message = assert_start_up_refused("API_CACHE_SECONDS", API_CACHE_SECONDS="-5")
    assert "at least 0" in message


def test_email_port_that_is_not_a_number_is_refused():
    message = assert_start_up_refused("EMAIL_PORT", EMAIL_PORT="abc")
    assert "whole number" in message


def test_email_port_above_65535_is_refused():
    message = assert_start_up_refused("EMAIL_PORT", EMAIL_PORT="70000")
    assert "at most 65535" in message


# --- Start-up accepts good values --------------------------------------------------------------


def test_nothing_set_gives_development_settings():
    loaded = settings_after_start_up()
    assert loaded["DEBUG"] is True
    assert loaded["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert loaded["DATABASE"]["ENGINE"] == "django.db.backends.sqlite3"
    assert loaded["DATABASE"]["NAME"] == str(REPO_ROOT / "var" / "planboard.sqlite3")
    assert loaded["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert loaded["EMAIL_PORT"] == 587


def test_postgres_database_url_selects_postgresql_without_connecting():
    # Nothing listens on port 1: start-up succeeds only because settings never connect.
    loaded = settings_after_start_up(DATABASE_URL="postgres://planner:secret@127.0.0.1:1/planboard")
    assert loaded["DATABASE"] == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "planboard",
        "HOST": "127.0.0.1",
        "PORT": 1,
        "USER": "planner",
    }


def test_without_redis_url_tasks_run_inline():
    loaded = settings_after_start_up()
    assert loaded["CELERY_TASK_ALWAYS_EAGER"] is True
    assert loaded["CELERY_BROKER_URL"] == "memory://localhost/"


def test_with_redis_url_tasks_go_to_that_broker():
    loaded = settings_after_start_up(REDIS_URL="redis://cache.example.gov:6380/2")
    assert loaded["CELERY_TASK_ALWAYS_EAGER"] is False
    assert loaded["CELERY_BROKER_URL"] == "redis://cache.example.gov:6380/2"


def test_without_cache_url_each_process_caches_alone_and_api_responses_are_not_cached():
    loaded = settings_after_start_up()
    assert loaded["CACHE"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    # A write in one worker could not reach what another had cached, so nothing is cached.
    assert loaded["API_CACHE_SECONDS"] == 0


def test_cache_url_shares_one_redis_cache_and_caches_api_responses():
    loaded = settings_after_start_up(CACHE_URL="redis://cache.example.gov:6379/1")
    assert loaded["CACHE"] == {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://cache.example.gov:6379/1",
    }
    assert loaded["API_CACHE_SECONDS"] == 300
    assert (
        settings_after_start_up(CACHE_URL="redis://cache.example.gov:6379/1", API_CACHE_SECONDS="0")[
            "API_CACHE_SECONDS"
        ]
        == 0
    )


def test_production_settings_start_and_use_hashed_static_files():
    loaded = settings_after_start_up(
        DEBUG="off", SECRET_KEY="x" * 50, ALLOWED_HOSTS="planboard.example.gov, www.planboard.example.gov"
    )
    assert loaded["DEBUG"] is False
    assert loaded["ALLOWED_HOSTS"] == ["planboard.example.gov", "www.planboard.example.gov"]
    assert loaded["STATICFILES_BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_email_host_switches_to_smtp():
    loaded = settings_after_start_up(EMAIL_HOST="smtp.example.gov", EMAIL_PORT="25")
    assert loaded["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert loaded["EMAIL_PORT"] == 25


# --- The helpers in planboard/env.py -----------------------------------------------------------


@pytest.mark.parametrize("word", ["1", "true", "TRUE", "yes", "on", " On "])
def test_env_bool_reads_yes_words_as_true(monkeypatch, word):
    monkeypatch.setenv("PLANBOARD_FLAG", word)
    assert env_bool("PLANBOARD_FLAG", False) is True


@pytest.mark.parametrize("word", ["0", "false", "False", "no", "off", ""])
def test_env_bool_reads_no_words_as_false(monkeypatch, word):
    monkeypatch.setenv("PLANBOARD_FLAG", word)
    assert env_bool("PLANBOARD_FLAG", True) is False


def test_env_bool_unset_gives_the_default(monkeypatch):
    monkeypatch.delenv("PLANBOARD_FLAG", raising=False)
    assert env_bool("PLANBOARD_FLAG", True) is True
    assert env_bool("PLANBOARD_FLAG", False) is False


def test_env_bool_refuses_other_words_naming_the_variable(monkeypatch):
    monkeypatch.setenv("PLANBOARD_FLAG", "sometimes")
    with pytest.raises(ImproperlyConfigured, match=r"PLANBOARD_FLAG must be one of .*'sometimes'"):
        env_bool("PLANBOARD_FLAG", True)


def test_env_int_reads_a_whole_number(monkeypatch):
    monkeypatch.setenv("PLANBOARD_DAYS", "45")
    assert env_int("PLANBOARD_DAYS", 30) == 45


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_env_int_unset_or_blank_gives_the_default(monkeypatch, raw):
    if raw is None:
        monkeypatch.delenv("PLANBOARD_DAYS", raising=False)
    else:
        monkeypatch.setenv("PLANBOARD_DAYS", raw)
    assert env_int("PLANBOARD_DAYS", 30) == 30


@pytest.mark.parametrize("raw", ["abc", "4.5", "30 days"])
def test_env_int_refuses_what_is_not_a_whole_number(monkeypatch, raw):
    monkeypatch.setenv("PLANBOARD_DAYS", raw)
    with pytest.raises(ImproperlyConfigured, match=f"PLANBOARD_DAYS must be a whole number, not '{raw}'"):
        env_int("PLANBOARD_DAYS", 30)


def test_env_int_keeps_to_its_bounds_inclusive(monkeypatch):
    monkeypatch.setenv("PLANBOARD_PORT", "1")
    assert env_int("PLANBOARD_PORT", 587, minimum=1, maximum=65535) == 1
    monkeypatch.setenv("PLANBOARD_PORT", "65535")
    assert env_int("PLANBOARD_PORT", 587, minimum=1, maximum=65535) == 65535
    monkeypatch.setenv("PLANBOARD_PORT", "0")
    with pytest.raises(ImproperlyConfigured, match="PLANBOARD_PORT must be at least 1, not 0"):
        env_int("PLANBOARD_PORT", 587, minimum=1, maximum=65535)
    monkeypatch.setenv("PLANBOARD_PORT", "65536")
    with pytest.raises(ImproperlyConfigured, match="PLANBOARD_PORT must be at most 65535, not 65536"):
        env_int("PLANBOARD_PORT", 587, minimum=1, maximum=65535)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("PLANBOARD_HOSTS", " planboard.example.gov, ,localhost ,")
    assert env_list("PLANBOARD_HOSTS", ["default"]) == ["planboard.example.gov", "localhost"]


def test_env_list_unset_gives_the_default_but_empty_means_none(monkeypatch):
    monkeypatch.delenv("PLANBOARD_HOSTS", raising=False)
    assert env_list("PLANBOARD_HOSTS", ["localhost"]) == ["localhost"]
    monkeypatch.setenv("PLANBOARD_HOSTS", "")
    assert env_list("PLANBOARD_HOSTS", ["localhost"]) == []


def test_env_str_unset_gives_the_default(monkeypatch):
    monkeypatch.delenv("PLANBOARD_CITY", raising=False)
    assert env_str("PLANBOARD_CITY", "City of Phoenix") == "City of Phoenix"
    monkeypatch.setenv("PLANBOARD_CITY", "City of Aurora")
    assert env_str("PLANBOARD_CITY", "City of Phoenix") == "City of Aurora"


def test_env_database_parses_postgres_with_persistent_checked_connections(monkeypatch):
    monkeypatch.setenv("PLANBOARD_DB", "postgresql://planner:secret@db.example.gov:5433/plan")
    config = env_database("PLANBOARD_DB", "sqlite:///unused.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"], config["NAME"]) == (
        "planner",
        "secret",
        "db.example.gov",
        5433,
        "plan",
    )
    assert config["CONN_MAX_AGE"] == 60
    assert config["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize("raw", [None, ""])
def test_env_database_unset_or_empty_uses_the_default(monkeypatch, raw):
    if raw is None:
        monkeypatch.delenv("PLANBOARD_DB", raising=False)
    else:
        monkeypatch.setenv("PLANBOARD_DB", raw)
    config = env_database("PLANBOARD_DB", "sqlite:////srv/planboard/plan.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/srv/planboard/plan.sqlite3"


@pytest.mark.parametrize("raw", ["nonsense://x", "just-a-name"])
def test_env_database_refuses_unknown_schemes_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("PLANBOARD_DB", raw)
    with pytest.raises(ImproperlyConfigured, match="PLANBOARD_DB is not a database URL Planboard understands"):
        env_database("PLANBOARD_DB", "sqlite:///unused.sqlite3")


@pytest.mark.parametrize(
    "raw", ["redis://localhost:6379/0", "rediss://:secret@cache.example.gov:6380/1", "unix:///run/redis.sock"]
)
def test_env_redis_url_accepts_redis_urls(monkeypatch, raw):
    monkeypatch.setenv("PLANBOARD_BROKER", raw)
    assert env_redis_url("PLANBOARD_BROKER") == raw


def test_env_redis_url_unset_or_blank_means_no_broker(monkeypatch):
    monkeypatch.delenv("PLANBOARD_BROKER", raising=False)
    assert env_redis_url("PLANBOARD_BROKER") == ""
    monkeypatch.setenv("PLANBOARD_BROKER", "  ")
    assert env_redis_url("PLANBOARD_BROKER") == ""


@pytest.mark.parametrize("raw", ["http://x", "amqp://guest@rabbit//", "localhost:6379"])
def test_env_redis_url_refuses_other_schemes_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("PLANBOARD_BROKER", raw)
    with pytest.raises(ImproperlyConfigured, match="PLANBOARD_BROKER must start with redis://"):
        env_redis_url("PLANBOARD_BROKER")
