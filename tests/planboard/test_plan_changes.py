"""Plan writes declared by their transaction move only those plans' generations; anything else
moves the data generation, as before (planboard/core/changes.py, planboard/api_cache/generation.py).

These tests commit for real (transaction=True): what moves is decided at the commit.
"""

import datetime
import threading

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from goals.models import Department, Plan, PlanChange, ReportingPeriod
from initiatives.models import Initiative
from planboard.api_cache import generation
from planboard.core import changes
from reports.models import ProgressSnapshot
from tests.factories import (
    AlignmentScoreFactory,
    DriverFactory,
    InitiativeFactory,
    MilestoneFactory,
    PlanFactory,
    ReadingFactory,
    StatusUpdateFactory,
    ThemeFactory,
)
from tests.redis_cache import redis_cache_settings

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_generation():
    cache.clear()
    generation._bump_owed = False
    yield
    cache.clear()
    generation._bump_owed = False


@pytest.fixture
def plans():
    """Two plans with an initiative each, made before the numbers are read."""
    first, second = PlanFactory(), PlanFactory()
    return first, second, InitiativeFactory(plan=first), InitiativeFactory(plan=second)


def numbers(*plan_ids):
    """The numbers each plan's lists are keyed on, and those of lists not narrowed (last)."""
    return [generation.current_for(plan_id)[0] for plan_id in [*plan_ids, None]]


def rename(initiative: Initiative, title: str) -> None:
    Initiative.objects.filter(pk=initiative.pk).update(title=title)


# --- Which tables are plan data, and which table a statement writes ------------------------


def test_plan_data_is_the_plan_models_their_inner_links_and_their_history():
    assert changes.plan_tables() == {
        *(f"goals_{name}" for name in ("plan", "pillar", "businessdriver", "theme", "goal", "objective")),
        *(f"goals_{name}" for name in ("metric", "metricreading", "planchange", "reportingperiod")),
        *(f"goals_historical{name}" for name in ("plan", "pillar", "businessdriver", "theme", "goal", "objective")),
        *(f"goals_historical{name}" for name in ("objective_aligned_to", "metric", "metricreading")),
        "goals_historicalreportingperiod",
        *(f"initiatives_{name}" for name in ("initiative", "initiative_supports", "statusupdate", "milestone")),
        "initiatives_alignmentscore",
        *(f"initiatives_historical{name}" for name in ("initiative", "initiative_supports", "milestone")),
        "initiatives_historicalinitiative_aligned_to",
        "initiatives_historicalalignmentscore",
        "reports_progresssnapshot",
    }
    # Links that may cross plans, and whatever is not plan data, are not.
    for table in ("goals_objective_aligned_to", "initiatives_initiative_aligned_to", "initiatives_itrequest"):
        assert table not in changes.plan_tables()
    for table in ("goals_department", "goals_departmentmembership", "auth_user", "authtoken_token"):
        assert table not in changes.plan_tables()


def test_every_plan_path_leads_from_a_row_to_its_plan():
    plan = PlanFactory()
    initiative = InitiativeFactory(plan=plan)
    StatusUpdateFactory(initiative=initiative)
    MilestoneFactory(initiative=initiative)
    AlignmentScoreFactory(initiative=initiative)
    DriverFactory(plan=plan)
    ThemeFactory(plan=plan)
    ReadingFactory(metric__objective__goal__plan=plan)
    ProgressSnapshot.objects.create(plan=plan, node_type="plan", node_id=plan.pk, taken_on=datetime.date(2024, 1, 1))
    PlanChange.objects.create(plan=plan)
    period = plan.period_from_key("FY2023-Q1")
    ReportingPeriod.closing(plan, period, closed_at=timezone.now()).save()
    plan_models = [model for model in apps.get_models() if changes.plan_path(model) is not None]
    assert len(plan_models) == 15
    for model in plan_models:
        assert model._default_manager.exists(), model.__name__
        path = changes.plan_path(model)
        assert set(model._default_manager.values_list(path, flat=True)) == {plan.pk}, model.__name__


# The progress engine's figures: one statement that locks (FOR NO KEY UPDATE) and then updates.
FIGURES_SQL = (
    "WITH v AS (SELECT * FROM unnest(%s::bigint[]) AS v(id)), "
    'changed AS (SELECT t.id FROM "goals_goal" AS t JOIN v ON v.id = t.id), '
    'locked AS (SELECT t.id FROM "goals_goal" AS t WHERE t.id IN (SELECT id FROM changed) '
    "ORDER BY t.id FOR NO KEY UPDATE SKIP LOCKED), "
    'written AS (UPDATE "goals_goal" AS t SET progress = 1 FROM v, locked WHERE t.id = v.id RETURNING t.id) '
    "SELECT (SELECT count(*) FROM changed) - (SELECT count(*) FROM written)"
)


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        (
            'INSERT INTO "initiatives_statusupdate" ("initiative_id") VALUES (%s) RETURNING "id"',
            {"initiatives_statusupdate"},
        ),
        ('UPDATE "initiatives_initiative" SET "title" = %s WHERE "id" = %s', {"initiatives_initiative"}),
        ('UPDATE "goals_goal" AS t SET progress = v.progress FROM unnest(%s) AS v(id)', {"goals_goal"}),
        (
            'DELETE FROM "initiatives_initiative_supports" WHERE "initiative_id" IN (%s)',
            {"initiatives_initiative_supports"},
        ),
        ("update goals_plan set title = 'x' where id in (select plan_id from goals_goal for update)", {"goals_plan"}),
        ('INSERT OR IGNORE INTO "goals_theme" ("name") VALUES (%s)', {"goals_theme"}),
        (
            'INSERT INTO "reports_progresssnapshot" ("plan_id") VALUES (%s) ON CONFLICT("node_id") DO UPDATE SET x = 1',
            {"reports_progresssnapshot"},
        ),
        (FIGURES_SQL, {"goals_goal"}),
        (
            "WITH gone AS (DELETE FROM goals_goal RETURNING id) UPDATE auth_user SET is_active = false",
            {"goals_goal", "auth_user"},
        ),
        ("UPDATE ONLY goals_plan SET title = 'x'", {"ONLY"}),  # not a table of plan data: counts as outside
        ("UPDATE goals_plan SET title = 'a'; DELETE FROM auth_user", None),  # two statements
        ("WITH moved AS (UPDATE public.goals_goal SET weight = 2 RETURNING id) SELECT * FROM moved", None),
        ("WITH rows AS (SELECT 1) SELECT * FROM rows", None),  # writes nothing it names: not read either
        ("WITH t AS (SELECT 1) MERGE INTO goals_goal USING t ON true WHEN MATCHED THEN DELETE", None),
        ("UPDATE public.goals_plan SET title = 'x'", None),
        ('COPY "goals_metricreading" FROM STDIN', None),
        ("TRUNCATE goals_plan", None),
        (b"UPDATE goals_plan SET title = 'bytes'", None),
        ("/* comment */ UPDATE goals_plan SET title = 'x'", None),
    ],
)
def test_the_written_tables_are_read_off_the_statement_or_not_at_all(sql, tables):
    assert generation.written_tables(sql) == (None if tables is None else frozenset(tables))
    assert generation.writes_plan_data(sql) is (tables is not None and tables <= changes.plan_tables())


def test_the_database_writes_nothing_by_itself():
    # The rule that a plan's declared writes reach only its rows leans on this: Django emulates
    # on_delete itself (each cascaded row is a statement the watcher sees) and nothing else writes.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")
            assert cursor.fetchone()[0] == 0
            cursor.execute("SELECT DISTINCT confdeltype, confupdtype FROM pg_constraint WHERE contype = 'f'")
            assert set(cursor.fetchall()) == {("a", "a")}  # NO ACTION on delete and update
            # No function of our own a statement could call to write elsewhere.
            cursor.execute(
                "SELECT count(*) FROM pg_proc JOIN pg_namespace ON pg_namespace.oid = pg_proc.pronamespace "
                "WHERE nspname NOT IN ('pg_catalog', 'information_schema')"
            )
            assert cursor.fetchone()[0] == 0
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
            assert cursor.fetchone()[0] == 0
            actions = set()
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f'PRAGMA foreign_key_list("{table}")')
                actions |= {(row[5], row[6]) for row in cursor.fetchall()}
            assert actions == {("NO ACTION", "NO ACTION")}


# --- The transaction's record ----------------------------------------------------------------


def test_outside_a_transaction_there_is_no_record_and_a_declaration_does_nothing():
    assert changes.open_transaction(connection) is None
    changes.plans_changed(7)
    assert changes.open_transaction(connection) is None


def test_a_declaration_names_plans_by_id():
    with transaction.atomic():
        for wrong in (None, "7", 7.0, True):
            with pytest.raises(TypeError):
                changes.plans_changed(wrong)


def test_the_record_lasts_as_long_as_its_transaction():
    with transaction.atomic():
        changes.plans_changed(7)
        record = changes.open_transaction(connection)
        changes.plans_changed(8, 9)
        assert changes.open_transaction(connection) is record and record.plans == {7, 8, 9}
    with transaction.atomic():
        assert changes.open_transaction(connection) is not record
        assert changes.open_transaction(connection).plans == set()
    with pytest.raises(RuntimeError), transaction.atomic():
        changes.plans_changed(7)
        record = changes.open_transaction(connection)
        raise RuntimeError("roll back")
    with transaction.atomic():
        assert changes.open_transaction(connection) is not record


def test_a_record_begun_in_a_rolled_back_savepoint_is_forgotten_and_one_begun_before_is_kept():
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            changes.plans_changed(7)
            raise RuntimeError("roll back the savepoint")
        assert changes.open_transaction(connection).plans == set()
    with transaction.atomic():
        changes.plans_changed(7)
        with pytest.raises(RuntimeError), transaction.atomic():
            changes.plans_changed(8)
            raise RuntimeError("roll back the savepoint")
        # Kept, with what was declared inside: declaring too much only drops more answers.
        assert changes.open_transaction(connection).plans == {7, 8}


# --- What moves at a commit ------------------------------------------------------------------


def test_a_declared_plan_write_moves_that_plan_and_the_plans_generation_only(plans):
    first, second, initiative, _ = plans
    before = numbers(first.pk, second.pk)
    with transaction.atomic():
        rename(initiative, "Renamed")
        changes.plans_changed(first.pk)
        StatusUpdateFactory(initiative=initiative)  # a second plan table: still one move
        assert numbers(first.pk, second.pk) == before  # nothing moves before the commit
    mine, other, unnarrowed = numbers(first.pk, second.pk)
    assert mine == (before[0].data, before[0].plans + 1)
    assert other == before[1]
    assert unnarrowed == (before[2].data, before[2].plans + 1)


def test_a_transaction_declaring_two_plans_moves_both(plans):
    first, second, initiative, other_initiative = plans
    before = numbers(first.pk, second.pk)
    with transaction.atomic():
        rename(initiative, "Renamed")
        rename(other_initiative, "Renamed too")
        changes.plans_changed(first.pk, second.pk)
    assert [n.plans for n in numbers(first.pk, second.pk)] == [n.plans + 1 for n in before]
    assert {n.data for n in numbers(first.pk, second.pk)} == {before[0].data}


def write_undeclared(initiative):
    with transaction.atomic():
        rename(initiative, "Renamed behind the declarations' back")


def write_raw_sql_undeclared(initiative):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE initiatives_initiative SET title = %s WHERE id = %s", ["Raw", initiative.pk])


def write_in_autocommit(initiative):
    changes.plans_changed(initiative.plan_id)  # no transaction: nothing to declare into
    rename(initiative, "Autocommitted")


def write_outside_plan_data_too(initiative):
    with transaction.atomic():
        rename(initiative, "Renamed")
        changes.plans_changed(initiative.plan_id)
        Department.objects.create(name="Fire", slug="fire")


def write_what_nobody_can_read(initiative):
    with transaction.atomic(), connection.cursor() as cursor:
        changes.plans_changed(initiative.plan_id)
        schema = "public" if connection.vendor == "postgresql" else "main"
        cursor.execute(  # a plan table, but named so that the watcher cannot tell
            f"UPDATE {schema}.initiatives_initiative SET title = %s WHERE id = %s", ["Schema-qualified", initiative.pk]
        )


@pytest.mark.parametrize(
    "write",
    [
        write_undeclared,
        write_raw_sql_undeclared,
        write_in_autocommit,
        write_outside_plan_data_too,
        write_what_nobody_can_read,
    ],
)
def test_anything_else_moves_the_data_generation(plans, write):
    first, second, initiative, _ = plans
    before = numbers(first.pk, second.pk)
    write(initiative)
    after = numbers(first.pk, second.pk)
    assert all(now.data > then.data for now, then in zip(after, before, strict=True))


def test_a_rolled_back_plan_write_moves_nothing(plans):
    first, second, initiative, _ = plans
    before = numbers(first.pk, second.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        rename(initiative, "Undone")
        changes.plans_changed(first.pk)
        raise RuntimeError("roll back")
    assert numbers(first.pk, second.pk) == before
    assert Initiative.objects.get(pk=initiative.pk).title != "Undone"


def test_a_declaration_undone_with_its_savepoint_does_not_cover_later_writes(plans):
    first, second, initiative, _ = plans
    before = numbers(first.pk, second.pk)
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            rename(initiative, "Undone")
            changes.plans_changed(first.pk)
            raise RuntimeError("roll back the savepoint")
        rename(initiative, "Kept, and declared by nobody")
    assert all(now.data > then.data for now, then in zip(numbers(first.pk, second.pk), before, strict=True))


def test_a_plan_write_the_cache_refused_to_record_drops_everything(plans, settings):
    first, second, initiative, _ = plans
    before = numbers(first.pk, second.pk)
    working = settings.CACHES
    settings.CACHES = redis_cache_settings("redis://127.0.0.1:1/0")  # nothing listens there
    with transaction.atomic():
        rename(initiative, "Saved while the cache is down")
        changes.plans_changed(first.pk)
    assert generation._bump_owed
    settings.CACHES = working
    assert all(now.data > then.data for now, then in zip(numbers(first.pk, second.pk), before, strict=True))


@pytest.mark.postgres
def test_a_plan_transaction_that_commits_after_a_later_one_still_moves_its_plan(plans):
    # T1 writes plan data and waits; T2 writes the same plan and commits first. What a reader takes
    # between the two commits must not describe T1's change.
    first, _, initiative, _ = plans
    other = InitiativeFactory(plan=first)
    written, release = threading.Event(), threading.Event()

    def slow_transaction():
        try:
            with transaction.atomic():
                rename(initiative, "T1")
                changes.plans_changed(first.pk)
                written.set()
                assert release.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=slow_transaction)
    worker.start()
    assert written.wait(10)
    with transaction.atomic():
        rename(other, "T2")
        changes.plans_changed(first.pk)
    between = generation.current_for(first.pk)[0]
    release.set()
    worker.join()
    assert generation.current_for(first.pk)[0].plans > between.plans
    assert Plan.objects.filter(pk=first.pk).exists()
