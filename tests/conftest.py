import os

import pytest

from planboard.permissions import Role
from tests.factories import user_with_role

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


@pytest.fixture
def admin_user(db):
    return user_with_role(Role.ADMIN, username="cio")


@pytest.fixture
def editor(db):
    return user_with_role(Role.EDITOR, username="editor")


@pytest.fixture
def viewer(db):
    return user_with_role(Role.VIEWER, username="viewer")
