"""Cached API lists: the second identical GET costs no query, and any committed change, by any
path, shows on the next one. The rules stay the API's: who may see what, tokens, throttles.

Requests outside a transaction are what production serves, so most tests here commit for real
(transaction=True); a read inside a transaction never uses the cache.
"""

import datetime

import pytest
import redis
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from rest_framework.authtoken.models import Token

from goals.models import DepartmentMembership
from initiatives.models import Initiative
from planboard.api_cache import responses as api_cache
from planboard.api_cache.responses import CachedTokenAuthentication, LocalResponses
from planboard.core.permissions import Role
from tests.factories import InitiativeFactory, MembershipFactory, UserFactory
from tests.redis_cache import redis_cache_settings

committed = pytest.mark.django_db(transaction=True)
LIST = "/api/v1/initiatives/?ordering=code"


@pytest.fixture(autouse=True)
def empty_caches():
    """Each test starts with nothing cached in this process (the shared cache is cleared by generous_throttles)."""
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


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["results"]]


@committed
def test_the_same_list_again_is_answered_without_a_query(city, viewer_client, django_assert_num_queries):
    first = viewer_client.get(LIST)
    with django_assert_num_queries(0):
        again = viewer_client.get(LIST)
    assert again.status_code == 200
    assert again.content == first.content
    for header in ("Content-Type", "Allow", "Vary"):
        assert again.get(header) == first.get(header), header


@committed
def test_a_change_through_the_api_shows_on_the_next_read(city, api, editor):
    client = api(editor)
    assert "Old title" not in client.get(LIST).content.decode()
    initiative = city.initiative
    patched = client.patch(f"/api/v1/initiatives/{initiative.pk}/", {"title": "New title", "version": 1}, format="json")
    assert patched.status_code == 200, patched.content
    titles = [item["title"] for item in client.get(LIST).json()["results"]]
    assert "New title" in titles


@committed
def test_changes_made_around_the_api_show_too(city, viewer_client):
    assert codes(viewer_client.get(LIST)) == ["ENT-1", "POL-1", "WAT-1"]
    # A bulk update sends no signal and calls no save().
    Initiative.objects.filter(code="ENT-1").update(code="ENT-9")
    assert codes(viewer_client.get(LIST)) == ["ENT-9", "POL-1", "WAT-1"]
    # Raw SQL, as the progress engine writes its figures.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE initiatives_initiative SET code = %s WHERE code = %s", ["AAA-1", "POL-1"])
    assert codes(viewer_client.get(LIST)) == ["AAA-1", "ENT-9", "WAT-1"]
    InitiativeFactory(plan=city.enterprise, code="ENT-2")
    assert "ENT-2" in codes(viewer_client.get(LIST))


@committed
def test_each_caller_gets_their_own_answer(city, api):
    liaison_a, member_b = api(city.liaison_a), api(city.member_b)
    assert codes(liaison_a.get(LIST)) == ["ENT-1", "WAT-1"]
    assert codes(member_b.get(LIST)) == ["ENT-1", "POL-1"]
    assert codes(api(None).get(LIST)) == []  # nothing published
    # Membership is data too: joining department A shows its plan from the next request on.
    MembershipFactory(user=city.member_b, department=city.dept_a, role=DepartmentMembership.Role.MEMBER)
    assert codes(member_b.get(LIST)) == ["ENT-1", "POL-1", "WAT-1"]
    city.member_b.groups.add(Group.objects.get_or_create(name=Role.VIEWER)[0])
    assert codes(liaison_a.get(LIST)) == ["ENT-1", "WAT-1"]


@committed
def test_a_revoked_token_or_a_deactivated_user_is_refused_at_once(city, api):
    client = api(city.liaison_a)
    assert client.get(LIST).status_code == 200
    assert client.get(LIST).status_code == 200  # the token is now known to this process
    Token.objects.filter(user=city.liaison_a).delete()
    assert client.get(LIST).status_code == 401

    other = api(city.member_b)
    assert other.get(LIST).status_code == 200
    city.member_b.is_active = False
    city.member_b.save()
    assert other.get(LIST).status_code == 401


@committed
def test_every_query_parameter_and_host_is_its_own_answer(city, viewer_client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "planboard.example.gov"]
    assert codes(viewer_client.get(LIST + "&page_size=1")) == ["ENT-1"]
    assert codes(viewer_client.get(LIST + "&page_size=2")) == ["ENT-1", "POL-1"]
    assert codes(viewer_client.get(LIST + "&page_size=1&page=2")) == ["POL-1"]
    assert codes(viewer_client.get("/api/v1/initiatives/?ordering=-code&page_size=1")) == ["WAT-1"]
    # The pagination links repeat the host the caller used.
    assert viewer_client.get(LIST + "&page_size=1").json()["next"].startswith("http://testserver/")
    next_link = viewer_client.get(LIST + "&page_size=1", HTTP_HOST="planboard.example.gov").json()["next"]
    assert next_link.startswith("http://planboard.example.gov/")


@committed
def test_a_new_day_is_a_new_answer(city, viewer_client, monkeypatch, django_assert_max_num_queries):
    # `stale` is worked out against today, so yesterday's answer may be wrong today.
    viewer_client.get(LIST)
    monkeypatch.setattr(api_cache.timezone, "localdate", lambda: datetime.date(2099, 1, 1))
    with django_assert_max_num_queries(20) as queries:
        viewer_client.get(LIST)
    assert len(queries) > 0


@committed
def test_cached_answers_are_still_throttled(city, api, viewer, settings, either_cache):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "3/minute"},
    }
    client = api(viewer)
    assert [client.get(LIST).status_code for _ in range(4)] == [200, 200, 200, 429]


@pytest.mark.redis
@committed
@pytest.mark.parametrize("narrowed", [False, True], ids=["all plans", "one plan"])
def test_on_redis_a_cached_answer_costs_one_round_trip(
    city, viewer_client, settings, monkeypatch, django_assert_num_queries, narrowed
):
    path = f"{LIST}&plan={city.plan_a.pk}" if narrowed else LIST
    settings.CACHES = redis_cache_settings(settings.REDIS_URL)
    cache.clear()
    sent = []
    send = redis.Redis.execute_command

    def counting(self, *args, **kwargs):
        sent.append(args[0])
        return send(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    first = viewer_client.get(path)
    viewer_client.get(path)  # now this process knows the token too
    sent.clear()
    with django_assert_num_queries(0):
        again = viewer_client.get(path)
    # The generations and the caller's throttle count, in one script run; the body from this process.
    assert sent == ["EVALSHA"]
    assert again.content == first.content
    cache.clear()


@committed
def test_with_the_shared_cache_down_the_api_still_reads_and_writes_fresh_data(city, api, editor, settings, caplog):
    # django-redis pointed at a port nothing listens on: every call to the cache is refused.
    working = settings.CACHES
    settings.CACHES = redis_cache_settings("redis://127.0.0.1:1/0")
    client = api(editor)
    assert "ENT-1" in codes(client.get(LIST))  # not cached, not throttled: let through
    patched = client.patch(
        f"/api/v1/initiatives/{city.initiative.pk}/", {"title": "Still saved", "version": 1}, format="json"
    )
    assert patched.status_code == 200, patched.content
    assert Initiative.objects.get(pk=city.initiative.pk).title == "Still saved"
    assert "Still saved" in [item["title"] for item in client.get(LIST).json()["results"]]
    assert api_cache.local_responses.size == 0
    assert "cannot be moved on" in caplog.text and "let through" in caplog.text
    settings.CACHES = working  # the fixtures empty the cache as the test ends


@committed
def test_refused_and_failed_requests_are_not_cached(city, viewer_client):
    assert viewer_client.get("/api/v1/initiatives/?status=nonsense").status_code == 400
    assert viewer_client.get("/api/v1/initiatives/?page=99").status_code == 404
    assert api_cache.local_responses.size == 0


@committed
def test_nothing_is_cached_when_api_cache_seconds_is_0(city, viewer_client, settings):
    settings.API_CACHE_SECONDS = 0
    viewer_client.get(LIST)
    assert api_cache.local_responses.size == 0
    Initiative.objects.filter(code="ENT-1").update(code="ENT-7")
    assert "ENT-7" in codes(viewer_client.get(LIST))


def test_a_read_inside_a_transaction_never_uses_the_cache(city, viewer_client, django_assert_max_num_queries):
    # This test runs inside a transaction (pytest-django's default): it could see its own writes.
    viewer_client.get(LIST)
    assert api_cache.local_responses.size == 0
    with django_assert_max_num_queries(20) as queries:
        viewer_client.get(LIST)
    assert len(queries) > 0


# --- This process's copies ---------------------------------------------------------------


def test_local_copies_keep_to_their_size_dropping_the_least_recently_used():
    local = LocalResponses(max_bytes=10)
    local.put("a", b"1234", "application/json", 60)
    local.put("b", b"5678", "application/json", 60)
    assert local.get("a") == (b"1234", "application/json")  # "a" is now the most recently used
    local.put("c", b"90", "application/json", 60)
    local.put("d", b"xy", "application/json", 60)  # 12 bytes: "b" goes
    assert local.get("b") is None
    assert [local.get(key) is not None for key in ("a", "c", "d")] == [True, True, True]
    assert local.size == 8
    local.put("huge", b"x" * 11, "application/json", 60)  # larger than the whole store: not kept
    assert local.get("huge") is None and local.size == 8


def test_local_copies_expire_like_the_shared_ones(monkeypatch):
    local = LocalResponses(max_bytes=100)
    now = [1000.0]
    monkeypatch.setattr(api_cache.time, "monotonic", lambda: now[0])
    local.put("a", b"body", "application/json", 300)
    now[0] += 299
    assert local.get("a") is not None
    now[0] += 2
    assert local.get("a") is None and local.size == 0


def _write_around_django(sql: str, params: list) -> None:
    """A change Django never sees: another connection to the same database (psql, a restore)."""
    conf = connection.settings_dict
    if connection.vendor == "postgresql":
        import psycopg2

        outside = psycopg2.connect(
            dbname=conf["NAME"],
            user=conf["USER"],
            host=conf["HOST"] or "127.0.0.1",
            port=conf["PORT"] or 5432,
            password=conf["PASSWORD"] or None,
        )
    else:
        import sqlite3

        outside = sqlite3.connect(conf["NAME"])
        sql = sql.replace("%s", "?")
    try:
        outside.cursor().execute(sql, params)
        outside.commit()
    finally:
        outside.close()


@committed
def test_a_write_outside_django_shows_after_api_cache_reset(city, viewer_client):
    from django.core.management import call_command

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("an in-memory SQLite database cannot be reached from another connection")
    assert codes(viewer_client.get(LIST)) == ["ENT-1", "POL-1", "WAT-1"]
    _write_around_django("UPDATE initiatives_initiative SET code = %s WHERE code = %s", ["ZZZ-1", "ENT-1"])
    # Nothing told the cache: the answer it holds is served (until API_CACHE_SECONDS, or ...)
    assert codes(viewer_client.get(LIST)) == ["ENT-1", "POL-1", "WAT-1"]
    # ... the documented command for such writes.
    call_command("api_cache_reset", verbosity=0)
    assert codes(viewer_client.get(LIST)) == ["POL-1", "WAT-1", "ZZZ-1"]


@committed
def test_a_remembered_token_expires_with_the_responses(city, api, settings, monkeypatch, django_assert_num_queries):
    settings.API_CACHE_SECONDS = 60
    client = api(city.liaison_a)
    assert client.get(LIST).status_code == 200
    with django_assert_num_queries(0):  # the token is remembered, the answer cached
        assert client.get(LIST).status_code == 200
    later = api_cache.time.monotonic() + 61
    monkeypatch.setattr(api_cache.time, "monotonic", lambda: later)
    api_cache.local_responses.clear()
    # 61 s on the token is checked again (one query for the token and its user), though nothing was written.
    with django_assert_num_queries(1):
        assert client.get(LIST).status_code == 200
