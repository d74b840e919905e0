"""A real Redis cache for the tests that need one (marked `redis`): the server of REDIS_URL,
database 15, which the tests empty before and after use."""

from urllib.parse import urlsplit, urlunsplit

REDIS_TEST_DATABASE = 15


def redis_cache_settings(redis_url: str) -> dict:
    """CACHES for a django-redis cache on REDIS_URL's server, database 15."""
    parts = urlsplit(redis_url)
    location = urlunsplit((parts.scheme, parts.netloc, f"/{REDIS_TEST_DATABASE}", "", ""))
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "planboard-tests",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
