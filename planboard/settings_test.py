"""Settings for the test suite: fast hashing, in-memory e-mail, tasks inline unless a test opts in."""

from planboard.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
# Cached API responses as in production (each test process has its own in-memory cache). Tests run
# inside a transaction, where reads never use the cache; tests of the cache use transaction=True.
API_CACHE_SECONDS = 300
# One connection per test thread, closed after each request as before: threads and live servers
# in the tests open their own, and none may outlive the test database.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
