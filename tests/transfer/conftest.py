import datetime
import os

import pytest

from planboard.core.permissions import Role
from tests.factories import InitiativeFactory, MetricFactory, PlanFactory, UserFactory, user_with_role


@pytest.fixture
def cio(db):
    return user_with_role(Role.ADMIN, username="transfer-cio")


@pytest.fixture
def plan(db):
    return PlanFactory(slug="stp")


@pytest.fixture
def owner(db):
    return UserFactory(username="owner-ann")


@pytest.fixture
def initiatives(plan, owner):
    """Five initiatives of the plan, PD-1 .. PD-5, all owned by `owner`."""
    return [
        InitiativeFactory(plan=plan, code=f"PD-{n}", owner=owner, start_date=datetime.date(2022, 7, 1))
        for n in range(1, 6)
    ]


@pytest.fixture
def metric(plan, owner):
    return MetricFactory(objective__goal__plan=plan, objective__code="1.1", name="Share of staff with MFA", owner=owner)


def pytest_collection_modifyitems(config, items):
    """LibreOffice tests skip without soffice, with the reason; under .ci/run they fail instead."""
    from tests.transfer.libreoffice import SOFFICE

    marked = [item for item in items if item.get_closest_marker("libreoffice")]
    if SOFFICE or not marked:
        return
    if os.environ.get("PLANBOARD_REQUIRE_SERVICES") == "1":
        raise pytest.UsageError(
            "PLANBOARD_REQUIRE_SERVICES=1 but soffice is missing: "
            "apt-get install libreoffice-calc (bin/system-deps --ci does)"
        )
    skip = pytest.mark.skip(
        reason="needs LibreOffice (soffice): apt-get install -y --no-install-recommends libreoffice-calc"
    )
    for item in marked:
        item.add_marker(skip)
