"""A row owed for a period the CIO has closed since the page was shown is refused on its row, in
the service's words, and nothing else of the POST is stored."""

import pytest
from django.utils import timezone

from initiatives.models import StatusUpdate
from reports.cycle.services import period_close
from tests.reports.cycle.conftest import owed_plan
from tests.reports.cycle.test_update_all import URL, _form_data, _prefixes

pytestmark = pytest.mark.django_db


def test_a_row_whose_period_was_closed_meanwhile_is_refused_and_nothing_saved(client, admin_user):
    # Both initiatives last reported two periods ago: they owe the previous period, now late.
    plan, owner = owed_plan(initiatives=2, metrics=0, periods_ago=2)
    previous = plan.reporting_calendar.before(plan.reporting_period_owed(timezone.localdate()))
    client.force_login(owner)
    data = _form_data(client, owner)
    first, second = _prefixes(owner)[0]
    data[f"{first}-narrative"] = "Late, sorry."
    data[f"{second}-narrative"] = "Late too."
    period_close(plan=plan, period=previous, actor=admin_user)

    response = client.post(URL, {**data, "action": "save-all"})

    assert response.status_code == 400
    assert "closed" in response.content.decode()
    assert not StatusUpdate.objects.filter(narrative__startswith="Late").exists()
