"""Planboard settings, read from the environment (see README "Configuration").

With nothing set, Planboard runs for development: DEBUG on, a SQLite file under var/, Celery
tasks inline, e-mail printed to the console. Production sets DEBUG=false, SECRET_KEY,
ALLOWED_HOSTS, DATABASE_URL and REDIS_URL.
"""

from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from planboard.env import env_bool, env_database, env_int, env_list, env_redis_url, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "planboard-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names Planboard is served on when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "simple_history",
    "django_htmx",
    "goals",
    "initiatives",
    "reports",
    "planboard",  # for its template tags (planboard/templatetags/planboard_ui.py) and commands
    "planboard.api_cache",  # watches every write to know when cached API answers are stale
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "planboard.urls"
WSGI_APPLICATION = "planboard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "planboard.context_processors.city",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'planboard.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # JIT compilation costs more than it saves on Planboard's short queries (measured by make bench).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# Each web worker (or thread) keeps its database connection for this many seconds instead of
# opening one per request (a new PostgreSQL backend per save, measured by bench/saves.py); Django
# checks a kept connection before reusing it, so a restarted database costs one failed check.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
USE_I18N = True
USE_TZ = True
# Dates are stored as dates; times are shown in the city's own time zone.
TIME_ZONE = env_str("TIME_ZONE", "America/Phoenix")
CITY_NAME = env_str("CITY_NAME", "City of Phoenix")

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# E-mail: printed to the console unless an SMTP host is configured.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "planboard@localhost")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Celery: with no REDIS_URL, tasks run inline in the web process (development, tests).
REDIS_URL = env_redis_url("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"  # unused while tasks run inline
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360, minimum=1)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "planboard")
# A save must never hang because the broker is down: give up on it within about a second.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2, "max_retries": 0}
CELERY_TASK_PUBLISH_RETRY = False
# Updates to one plan within this many seconds lead to one recalculation.
RECALCULATION_DEBOUNCE_SECONDS = env_int("RECALCULATION_DEBOUNCE_SECONDS", 2, minimum=0)
NIGHTLY_RECALCULATION_HOUR = env_int("NIGHTLY_RECALCULATION_HOUR", 2, minimum=0, maximum=23)
REMINDER_WEEKDAY = env_int("REMINDER_WEEKDAY", 1, minimum=0, maximum=6)  # 0 = Sunday, 1 = Monday
REMINDER_HOUR = env_int("REMINDER_HOUR", 7, minimum=0, maximum=23)
CATCH_UP_MINUTES = env_int("CATCH_UP_MINUTES", 5, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "nightly-recalculation-and-snapshot": {
        "task": "reports.tasks.recalculate_all_and_snapshot",
        "schedule": crontab(hour=NIGHTLY_RECALCULATION_HOUR, minute=0),
    },
    "catch-up-dirty-plans": {
        "task": "reports.tasks.recalculate_dirty_plans",
        "schedule": CATCH_UP_MINUTES * 60,
    },
    "weekly-stale-reminders": {
        "task": "reports.tasks.send_stale_reminders",
        "schedule": crontab(day_of_week=REMINDER_WEEKDAY, hour=REMINDER_HOUR, minute=0),
    },
    # After the nightly recalculation: closes reporting periods at their due date plus the plan's grace.
    "daily-period-closing": {
        "task": "reports.tasks.close_due_periods",
        "schedule": crontab(hour=(NIGHTLY_RECALCULATION_HOUR + 1) % 24, minute=0),
    },
    # Deletes plan export files past PLANBOARD_EXPORT_KEEP_DAYS, queues again exports whose task was lost.
    "plan-exports-expire": {
        "task": "reports.tasks.expire_plan_exports",
        "schedule": 15 * 60,
    },
    # After the nightly snapshot: drafts the report card of a fiscal year that has just ended.
    "daily-report-card-catch-up": {
        "task": "reports.tasks.report_cards_catch_up",
        "schedule": crontab(hour=(NIGHTLY_RECALCULATION_HOUR + 1) % 24, minute=15),
    },
}

# The REST API (planboard/api.py, planboard/core/api.py). Token first, so a request without
# credentials that needs them gets 401 with a WWW-Authenticate header rather than a bare 403.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "planboard.api_cache.responses.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["planboard.core.api.PlanboardPermission"],
    "DEFAULT_PAGINATION_CLASS": "planboard.core.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "planboard.core.api.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["planboard.core.api.EscapingJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "planboard.api_cache.negotiation.ContentNegotiation",
    "EXCEPTION_HANDLER": "planboard.core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "planboard.api_cache.throttles.AnonThrottle",
        "planboard.api_cache.throttles.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": f"{env_int('API_ANON_REQUESTS_PER_MINUTE', 60, minimum=1)}/minute",
        "user": f"{env_int('API_USER_REQUESTS_PER_MINUTE', 1200, minimum=1)}/minute",
    },
    "DEFAULT_SCHEMA_CLASS": "planboard.core.api_schema.PlanboardAutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Planboard API",
    "DESCRIPTION": (
        "The city's strategic technology plan: departments, plans, pillars, drivers, themes, goals, objectives, "
        "metrics and readings, initiatives and their status updates, milestones and IT requests. "
        "Authenticate with a session or `Authorization: Token <key>` (`manage.py api_token USERNAME`). "
        "Writes to an object carry its `version`; a stale one gets 409 and changes nothing."
    ),
    "VERSION": "1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "InitiativeStatusEnum": "initiatives.models.InitiativeStatus",
        "HealthEnum": "goals.models.Health",
        "TermEnum": "goals.models.Term",
        "ReportCardStatusEnum": "reports.models.ReportCard.Status",
    },
}

# The cache holds API throttle counts, the data generation and cached API responses
# (planboard/api_cache/generation.py, planboard/api_cache/responses.py). With CACHE_URL it is a Redis database that
# every web worker and Celery worker shares; without, each process has its own.
CACHE_URL = env_redis_url("CACHE_URL")
if CACHE_URL:
    CACHES = {
        "default": {
            # django-redis rather than Django's own Redis backend: it keeps one client per server
            # (Django's builds a new one, about 0.1 ms, for every call) and increments atomically.
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "planboard",
            # A cache that does not answer must not hold requests up: reads then skip it.
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "planboard"}}
# Longest a cached API response is served (0: responses are never cached); any committed write ends
# it sooner. On by default only with a shared cache: with one cache per process, a write made in one
# process would not reach the responses another has cached.
API_CACHE_SECONDS = env_int("API_CACHE_SECONDS", 300 if CACHE_URL else 0, minimum=0)

# How often an initiative owner is expected to post an update, unless the plan says otherwise.
DEFAULT_UPDATE_CADENCE_DAYS = env_int("DEFAULT_UPDATE_CADENCE_DAYS", 30, minimum=1)

# Spreadsheet import (planboard/transfer): limits that keep memory bounded and refuse zip bombs.
TRANSFER_MAX_UPLOAD_BYTES = env_int("TRANSFER_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, minimum=1024)
TRANSFER_MAX_ROWS = env_int("TRANSFER_MAX_ROWS", 20_000, minimum=1)
# An .xlsx is a zip: its declared uncompressed size and per-member ratio are checked before it is opened.
TRANSFER_MAX_UNCOMPRESSED_BYTES = env_int("TRANSFER_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024, minimum=1024)
TRANSFER_MAX_COMPRESSION_RATIO = env_int("TRANSFER_MAX_COMPRESSION_RATIO", 100, minimum=2)
# Uploads larger than this run as a Celery task with a progress bar; smaller ones run in the request.
# 16 KB is a few hundred rows: well inside gunicorn's 60 s timeout at ~10-30 ms per status update.
TRANSFER_INLINE_MAX_BYTES = env_int("TRANSFER_INLINE_MAX_BYTES", 16 * 1024, minimum=0)

# The plan export (GET /api/v1/plans/{id}/export/, reports.export_jobs): plans with up to this many
# initiatives are streamed in the answer; larger ones are written by a background job (202 and a job
# to poll), since at ten times the city the stream outlasts gunicorn's 60-s timeout. Files of
# background exports are deleted after PLANBOARD_EXPORT_KEEP_DAYS.
PLANBOARD_EXPORT_SYNC_MAX_INITIATIVES = env_int("PLANBOARD_EXPORT_SYNC_MAX_INITIATIVES", 5000, minimum=0)
PLANBOARD_EXPORT_KEEP_DAYS = env_int("PLANBOARD_EXPORT_KEEP_DAYS", 7, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per task run is noise when tasks run inline; failures still log as errors.
        "celery.app.trace": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO.
        "weasyprint.progress": {"level": "WARNING"},
    },
}
