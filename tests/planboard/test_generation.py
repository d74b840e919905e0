"""The data generation moves after every committed write, whatever made it, and only then.

These tests commit for real (transaction=True): the whole point is what happens at a commit.
"""

import threading

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections, transaction

from goals.models import Department
from planboard.api_cache import generation
from tests.redis_cache import redis_cache_settings

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_generation():
    cache.clear()
    generation._bump_owed = False
    yield
    cache.clear()
    generation._bump_owed = False


def department(slug: str = "water") -> Department:
    return Department.objects.create(name=slug.title(), slug=slug)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1",
        "  select * from goals_plan",
        "BEGIN",
        "SAVEPOINT s1",
        "RELEASE SAVEPOINT s1",
        "ROLLBACK TO SAVEPOINT s1",
        "SET TIME ZONE 'UTC'",
        "SHOW server_version",
        "EXPLAIN SELECT 1",
        "PRAGMA foreign_keys",
        'INSERT INTO "django_session" ("session_key") VALUES (%s)',
        'DELETE FROM "django_session" WHERE 1',
        'UPDATE "reports_planexport" SET "state" = %s WHERE "id" = %s',
        'INSERT INTO "reports_historicalplanexport" ("id") VALUES (%s)',
    ],
)
def test_reads_session_and_export_job_writes_are_not_data_changes(sql):
    assert not generation.is_write(sql)


@pytest.mark.parametrize(
    "sql",
    [
        'INSERT INTO "goals_plan" VALUES (1)',
        "update goals_plan set title = 'x'",
        'DELETE FROM "goals_goal"',
        "WITH moved AS (UPDATE goals_goal SET weight = 2 RETURNING id) SELECT * FROM moved",
        'COPY "goals_metricreading" FROM STDIN',
        "TRUNCATE goals_plan",
        "ALTER TABLE goals_plan ADD x int",
        b"UPDATE goals_plan SET title = 'bytes'",
    ],
)
def test_anything_else_counts_as_a_write(sql):
    assert generation.is_write(sql)


def test_reads_leave_the_generation_alone():
    department()
    before = generation.current()
    assert list(Department.objects.all())
    assert Department.objects.filter(slug="water").exists()
    assert generation.current() == before


def test_a_write_in_autocommit_moves_the_generation_at_once():
    before = generation.current()
    department()
    assert generation.current() > before


def test_a_transaction_moves_it_once_and_only_when_it_commits():
    before = generation.current()
    with transaction.atomic():
        for slug in ("water", "police", "fire"):
            department(slug)
        Department.objects.filter(slug="fire").update(name="Fire Department")
        # Other processes still read the old data, so the old generation still describes it.
        assert generation.current() == before
    assert generation.current() == before + 1


def test_a_rolled_back_transaction_leaves_it_alone():
    before = generation.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        department()
        raise RuntimeError("undo")
    assert generation.current() == before
    assert not Department.objects.exists()


def test_a_write_after_a_rolled_back_savepoint_still_moves_it_at_the_commit():
    # The savepoint's rollback drops the commit hook queued inside it; the next write queues another.
    before = generation.current()
    with transaction.atomic():
        try:
            with transaction.atomic():
                department("police")
                raise RuntimeError("undo the savepoint")
        except RuntimeError:
            pass
        department("water")
    assert generation.current() == before + 1
    assert list(Department.objects.values_list("slug", flat=True)) == ["water"]


def test_writes_only_inside_a_rolled_back_savepoint_leave_it_alone():
    before = generation.current()
    with transaction.atomic():
        try:
            with transaction.atomic():
                department()
                raise RuntimeError("undo the savepoint")
        except RuntimeError:
            pass
    assert generation.current() == before


def test_raw_sql_and_bulk_updates_move_it_too():
    department()
    before = generation.current()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE goals_department SET name = %s", ["Water Services"])
    after_raw = generation.current()
    Department.objects.update(is_active=False)  # no signals, no save()
    assert before < after_raw < generation.current()


def test_rows_copied_around_djangos_cursor_move_it(monkeypatch):
    # generate_city loads big cities with COPY (PostgreSQL) or executemany, then says so itself.
    from django.utils import timezone

    from planboard.citygen import insert_rows

    now = timezone.now()
    rows = [(f"Dept {i}", f"dept-{i}", True, 1, now, now) for i in range(3)]
    before = generation.current()
    assert insert_rows(Department, ["name", "slug", "is_active", "version", "created_at", "updated_at"], rows) == 3
    assert generation.current() > before


def test_session_writes_do_not_move_it():
    before = generation.current()
    session = SessionStore()
    session["seen"] = True
    session.create()
    assert generation.current() == before


def test_a_reopened_connection_is_still_watched():
    before = generation.current()
    connections.close_all()
    department()
    assert generation.current() > before


def test_a_connection_of_another_thread_is_watched():
    before = generation.current()

    def write():
        department("police")
        connection.close()

    worker = threading.Thread(target=write)
    worker.start()
    worker.join()
    assert generation.current() > before


def test_migrate_moves_it_even_with_nothing_to_apply():
    # A new release runs `migrate` as it starts: what the old code cached must not be served.
    before = generation.current()
    call_command("migrate", verbosity=0)
    assert generation.current() > before


def test_a_lost_number_starts_again_from_the_clock_above_any_old_one():
    first = generation.current()
    cache.delete(generation.CACHE_KEY)  # a restarted or evicting cache
    assert generation.current() > first


def test_a_bump_the_cache_refused_is_owed_and_made_before_the_next_read(settings):
    before = generation.current()
    working = settings.CACHES
    settings.CACHES = redis_cache_settings("redis://127.0.0.1:1/0")  # nothing listens there
    department()  # the write itself succeeds
    assert Department.objects.count() == 1
    assert generation._bump_owed
    assert generation.current() is None  # meanwhile nothing is answered from the cache
    assert generation.current_for(None) == (None, {})
    settings.CACHES = working
    assert generation.current() > before
    assert not generation._bump_owed


def test_an_unreachable_cache_reads_as_no_generation(settings):
    settings.CACHES = redis_cache_settings("redis://127.0.0.1:1/0")
    assert generation.current() is None
    assert generation.current_for(7, ("calls", 60)) == (None, {})
