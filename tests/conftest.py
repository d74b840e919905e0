import os

import pytest

from planboard.core.permissions import Role
from tests.factories import user_with_role
from tests.redis_cache import redis_cache_settings

# Under .ci/run a missing PostgreSQL or Redis is a failure, not a skip.
STRICT_SERVICES = os.environ.get("PLANBOARD_REQUIRE_SERVICES") == "1"


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    has_redis = bool(settings.REDIS_URL)
    if STRICT_SERVICES and not (on_postgres and has_redis):
        raise pytest.UsageError(
            "PLANBOARD_REQUIRE_SERVICES=1 but "
            + ("DATABASE_URL is not a PostgreSQL URL" if not on_postgres else "REDIS_URL is not set")
        )
    skip_postgres = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://... (as .ci/run does)")
    skip_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://... (as .ci/run does)")
    for item in items:
        if item.get_closest_marker("postgres") and not on_postgres:
            item.add_marker(skip_postgres)
        if item.get_closest_marker("redis") and not has_redis:
            item.add_marker(skip_redis)


@pytest.fixture(autouse=True)
def _cache_starts_empty():
    """Every test starts with an empty in-process cache: nothing a test leaves there (a plan's
    "recalculation queued" mark, a cached answer) reaches the next one, whose rows may reuse ids."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def admin_user(db):
    return user_with_role(Role.ADMIN, username="cio")


@pytest.fixture
def editor(db):
    return user_with_role(Role.EDITOR, username="editor")


@pytest.fixture
def viewer(db):
    return user_with_role(Role.VIEWER, username="viewer")


@pytest.fixture(params=["in-process", "redis"])
def either_cache(request, settings):
    """The test twice: on the in-process cache of development, then on a real Redis cache (database
    15 of REDIS_URL's server), the shared cache of production. Each starts and ends empty."""
    from django.core.cache import cache

    from planboard.api_cache import generation

    if request.param == "redis":
        if not settings.REDIS_URL:
            pytest.skip("needs Redis: set REDIS_URL=redis://... (as .ci/run does)")
        settings.CACHES = redis_cache_settings(settings.REDIS_URL)
    cache.clear()
    generation._bump_owed = False
    yield request.param
    cache.clear()
