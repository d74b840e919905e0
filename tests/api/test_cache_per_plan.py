"""Cached API lists narrowed to one plan (`?plan=`) outlive changes to other plans, and only those.

A change declared for plan A (planboard.core.changes.plans_changed, inside its transaction) leaves
plan B's lists answered from the cache and re-renders plan A's and every list not narrowed to a
plan; a write that declares nothing, or writes outside plan data, drops every cached answer as
before. These tests commit for real (transaction=True).
"""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from goals.api.filters import IdFilter, PlanPartFilter
from goals.api.views import GoalViewSet
from goals.models import Department, Goal
from initiatives.models import Initiative
from initiatives.services import initiative_post_update
from planboard.api import router
from planboard.api_cache import generation
from planboard.api_cache import responses as api_cache
from planboard.api_cache.responses import CachedListMixin, CachedTokenAuthentication, plan_filter_checked
from planboard.core.changes import plans_changed
from planboard.core.permissions import Role
from tests.factories import UserFactory

committed = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def empty_caches():
    api_cache.local_responses.clear()
    CachedTokenAuthentication.known.clear()
    yield
    api_cache.local_responses.clear()
    CachedTokenAuthentication.known.clear()


@pytest.fixture
def viewer_client(api):
    viewer = UserFactory(username="council_viewer")
    viewer.groups.add(Group.objects.get_or_create(name=Role.VIEWER)[0])
    return api(viewer)


def initiatives_of(plan) -> str:
    return f"/api/v1/initiatives/?plan={plan.pk}&ordering=code"


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


def rename_declared(initiative: Initiative, title: str) -> None:
    """A change to one initiative, declared for its plan, as the services will declare theirs."""
    with transaction.atomic():
        Initiative.objects.filter(pk=initiative.pk).update(title=title)
        plans_changed(initiative.plan_id)


def read_twice(client, path: str) -> bytes:
    """Read `path` until it is cached (the first read also teaches this process the token)."""
    client.get(path)
    return client.get(path).content


@committed
def test_a_write_in_one_plan_leaves_another_plans_lists_cached(
    city, viewer_client, django_assert_num_queries, either_cache
):
    plan_a, plan_b = city.plan_a, city.plan_b
    cached_b = read_twice(viewer_client, initiatives_of(plan_b))
    goals_b = read_twice(viewer_client, f"/api/v1/goals/?plan={plan_b.pk}")
    read_twice(viewer_client, initiatives_of(plan_a))

    rename_declared(city.initiative_a, "Water meters, renamed")

    with django_assert_num_queries(0):
        assert viewer_client.get(initiatives_of(plan_b)).content == cached_b
        assert viewer_client.get(f"/api/v1/goals/?plan={plan_b.pk}").content == goals_b
    # Plan A's list and the lists of every plan show the change at once.
    assert titles(viewer_client.get(initiatives_of(plan_a))) == ["Water meters, renamed"]
    assert "Water meters, renamed" in titles(viewer_client.get("/api/v1/initiatives/?ordering=code"))


def write_raw_sql_declaring_nothing(city) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE initiatives_initiative SET title = %s WHERE id = %s",
            ["Water meters, renamed", city.initiative_a.pk],
        )


def write_in_a_transaction_declaring_nothing(city) -> None:
    with transaction.atomic():
        Initiative.objects.filter(pk=city.initiative_a.pk).update(title="Water meters, renamed")


def write_outside_plan_data_too(city) -> None:
    with transaction.atomic():
        Initiative.objects.filter(pk=city.initiative_a.pk).update(title="Water meters, renamed")
        plans_changed(city.plan_a.pk)
        Department.objects.filter(pk=city.dept_b.pk).update(name="Police Department")


@committed
@pytest.mark.parametrize(
    "write", [write_raw_sql_declaring_nothing, write_in_a_transaction_declaring_nothing, write_outside_plan_data_too]
)
def test_a_write_that_declares_nothing_or_reaches_outside_plan_data_drops_everything(
    city, viewer_client, django_assert_max_num_queries, write, either_cache
):
    read_twice(viewer_client, initiatives_of(city.plan_b))
    write(city)
    with django_assert_max_num_queries(20) as queries:
        assert titles(viewer_client.get(initiatives_of(city.plan_b))) == [city.initiative_b.title]
    assert len(queries) > 0  # rendered again, though plan B did not change
    assert titles(viewer_client.get(initiatives_of(city.plan_a))) == ["Water meters, renamed"]


@committed
def test_a_rolled_back_write_drops_nothing(city, viewer_client, django_assert_num_queries):
    cached_a = read_twice(viewer_client, initiatives_of(city.plan_a))
    with pytest.raises(RuntimeError), transaction.atomic():
        Initiative.objects.filter(pk=city.initiative_a.pk).update(title="Never saved")
        plans_changed(city.plan_a.pk)
        Department.objects.create(name="Fire", slug="fire")
        raise RuntimeError("roll back")
    with django_assert_num_queries(0):
        assert viewer_client.get(initiatives_of(city.plan_a)).content == cached_a


@committed
def test_lists_not_narrowed_to_one_plan_follow_every_plan(city, viewer_client, django_assert_max_num_queries):
    two_plans = f"/api/v1/initiatives/?plan={city.plan_a.pk}&plan={city.plan_b.pk}&ordering=code"
    padded = f"/api/v1/goals/?plan=0{city.plan_b.pk}"
    for path in ("/api/v1/plans/", "/api/v1/initiatives/?ordering=code", two_plans, padded):
        read_twice(viewer_client, path)
    rename_declared(city.initiative_b, "Body cameras, renamed")
    with transaction.atomic():
        Goal.objects.filter(pk=city.goal_b.pk).update(title="Safer streets")
        plans_changed(city.plan_b.pk)
    with django_assert_max_num_queries(20) as queries:
        assert viewer_client.get("/api/v1/plans/").status_code == 200
    assert len(queries) > 0  # the plans' figures may have moved: rendered again
    assert "Body cameras, renamed" in titles(viewer_client.get("/api/v1/initiatives/?ordering=code"))
    # django-filter reads the last of two `plan` values: this is plan B's list, keyed on all plans.
    assert titles(viewer_client.get(two_plans)) == ["Body cameras, renamed"]
    # "0<id>" is that plan to the filter, and to the cache.
    assert [goal["title"] for goal in viewer_client.get(padded).json()["results"]] == ["Safer streets"]


@committed
def test_the_numbers_are_read_before_the_data(city, viewer_client, monkeypatch):
    # A change commits after the request read its numbers but before it read the data: the answer
    # stored under the old numbers shows the change (newer than its key says, never older), and the
    # next request, under the moved numbers, shows it too.
    path = initiatives_of(city.plan_a) + "&page_size=10"  # not cached yet
    read_numbers = generation.current_for

    def then_a_write_commits(*args, **kwargs):
        numbers = read_numbers(*args, **kwargs)
        monkeypatch.setattr(generation, "current_for", read_numbers)  # once
        rename_declared(city.initiative_a, "Committed in between")
        return numbers

    monkeypatch.setattr(generation, "current_for", then_a_write_commits)
    assert titles(viewer_client.get(path)) == ["Committed in between"]
    assert titles(viewer_client.get(path)) == ["Committed in between"]


@committed
def test_with_the_shared_cache_down_plan_lists_are_served_fresh(city, api, editor, settings):
    from tests.redis_cache import redis_cache_settings

    working = settings.CACHES
    settings.CACHES = redis_cache_settings("redis://127.0.0.1:1/0")
    client = api(editor)
    assert titles(client.get(initiatives_of(city.plan_a))) == [city.initiative_a.title]
    rename_declared(city.initiative_a, "Saved with the cache down")
    assert titles(client.get(initiatives_of(city.plan_a))) == ["Saved with the cache down"]
    assert api_cache.local_responses.size == 0
    settings.CACHES = working


@committed
def test_a_status_update_through_the_service_leaves_another_plans_lists_cached(
    city, viewer_client, django_assert_num_queries
):
    cached_b = read_twice(viewer_client, initiatives_of(city.plan_b))
    read_twice(viewer_client, initiatives_of(city.plan_a))
    initiative = Initiative.objects.get(pk=city.initiative_a.pk)
    initiative_post_update(
        initiative=initiative, author=city.liaison_a, status="on_track", percent_complete=40, version=initiative.version
    )
    assert [item["percent_complete"] for item in viewer_client.get(initiatives_of(city.plan_a)).json()["results"]] == [
        40
    ]
    with django_assert_num_queries(0):
        assert viewer_client.get(initiatives_of(city.plan_b)).content == cached_b


# --- Which lists are narrowed ----------------------------------------------------------------


def test_the_lists_narrowed_by_plan_are_those_whose_plan_filter_is_their_path_to_the_plan():
    cached = {prefix: viewset for prefix, viewset, _ in router.registry if issubclass(viewset, CachedListMixin)}
    narrowed = {prefix for prefix, viewset in cached.items() if viewset.cache_per_plan}
    assert narrowed == {"pillars", "drivers", "themes", "goals", "objectives", "metrics", "initiatives", "milestones"}
    for prefix in narrowed:
        assert plan_filter_checked(cached[prefix]), prefix


def test_claiming_cache_per_plan_without_such_a_filter_is_refused():
    class ByTitle(PlanPartFilter):
        plan = IdFilter(field_name="number")

        class Meta:
            model = Goal
            fields = ["plan"]

    class Misnarrowed(GoalViewSet):
        filterset_class = ByTitle

    class Unfiltered(GoalViewSet):
        filter_backends = []

    for viewset in (Misnarrowed, Unfiltered):
        with pytest.raises(ImproperlyConfigured, match="cache_per_plan needs a `plan` filter on plan_id"):
            plan_filter_checked(viewset)
