"""The data generations: numbers that move after every committed write to the database.

Cached API responses (planboard/api_cache/responses.py) are stored under the generations they were
read at, so a committed write makes every older entry it may touch unreachable at once. There are:

- the data generation, which every entry's key holds: it moves after any write not narrowed to
  plans (users, memberships, departments, tokens, groups, IT requests, report cards, any table
  outside plan data, SQL nobody can read, plan data written without a declaration);
- one generation per plan, for lists narrowed to that plan (`?plan=`), and the plans' generation,
  for every other list: a committed transaction that wrote only plan data and declared its plans
  (planboard/core/changes.py, `plans_changed`) moves those plans' generations and the plans'
  generation, and leaves the data generation, and so every other plan's lists, alone.

Nothing has to remember to invalidate: an execute wrapper, installed on each database connection as
it opens, sees every statement, and one that is not a read is a write. That covers the services, the
admin, imports, Celery tasks, management commands, migrations and the raw SQL of the progress engine
(`WITH … UPDATE … FROM unnest`) alike. The tables a write names decide whether it is plan data
(`changes.plan_tables()`, from the models); a statement whose targets cannot be read off it
(several statements, COPY, TRUNCATE, MERGE, DDL, a composed statement) is not. Writes Django cannot see
(COPY in planboard/citygen/bulk.py, which goes around its cursor; a restore; SQL typed into psql) are
followed by `manage.py api_cache_reset`, which moves the data generation by hand; entries expire
after API_CACHE_SECONDS in any case.

When the numbers move is what makes the cache safe. A reader takes the generations it keys on (the
data generation and its plan's, or the plans') *before* it reads the data, in one round trip, and the
move comes *after* the commit (at once in autocommit mode; through `on_commit` inside a transaction;
never for a rollback). So an entry stored under (D, P) holds data at least as new as every commit
whose move produced D or P, and a later commit that changes what the entry shows moves D or P past
them: a write not narrowed to plans moves D; a plan write moves the plan's number, which a list
narrowed to that plan keys on, and the plans' number, which every list not narrowed keys on. A list
narrowed to plan X shows rows of plan X and rows outside plan data (users, departments, cross-plan
links), never another plan's data (responses.CachedListMixin.cache_per_plan, checked against the
filter), so a change another plan declares does not touch it. Each transaction is classified on its
own, at its own commit: one that commits after a later one still moves the numbers when it commits.
When in doubt the data generation moves. Readers inside a transaction never use the cache: they may
see their own uncommitted writes.

The numbers live in the default cache, shared by every worker when CACHE_URL names a Redis server.
Each starts from the clock in nanoseconds, so a number lost with a restarted or evicting cache never
comes back to an old value. If the cache cannot be reached, a move of the data generation is owed
(whatever was to move: it covers everything) and made before this process next reads; meanwhile
readers get None and skip the cache. Entries also expire after API_CACHE_SECONDS whatever happens.

django-cachalot (which also invalidates on every write) was weighed and left out: its per-table
timestamps give "the latest of these", and a transaction that commits after a later one leaves that
maximum unchanged, so a response could outlive a change.
"""

import functools
import logging
import re
import time
from collections.abc import Iterable
from typing import NamedTuple

from django.core.cache import cache
from django.db.backends.signals import connection_created
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

from planboard.api_cache import shared_cache
from planboard.core import changes

logger = logging.getLogger(__name__)

CACHE_KEY = "planboard:data-generation"
PLANS_KEY = "planboard:data-generation:plans"
PLAN_KEY = "planboard:data-generation:plan:{}"
# Errors of a cache server that cannot be reached: a write still succeeds, a read skips the cache.
CACHE_ERRORS = (ConnectionInterrupted, RedisError, OSError)
# Statements that change no data. Anything else (INSERT, UPDATE, DELETE, COPY, DDL, a CTE) counts as
# a write: when in doubt the cache is dropped, never kept.
READ_PREFIXES = ("SELECT", "BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "SET ", "SHOW", "EXPLAIN", "PRAGMA")
# Sessions change on every sign-in and flash message, and no API response reads them; nor does any
# cached list read the export jobs (their own endpoints are not cached), which a poll updates.
UNWATCHED_TABLES = ('"django_session"', '"reports_planexport"', '"reports_historicalplanexport"')
# Rows change through INSERT INTO, UPDATE and DELETE FROM, one statement at a time or several in a
# CTE (the progress engine's `WITH … UPDATE`); each is followed by the table it writes, quoted or
# not. `FOR [NO KEY] UPDATE` only locks, and `ON CONFLICT DO UPDATE` writes the INSERT's own table.
# Anything else (COPY, TRUNCATE, MERGE, DDL, a schema-qualified name, several statements) is not
# read: it counts as a write outside plan data.
STATEMENT_START = re.compile(r"\s*(?:INSERT|UPDATE|DELETE|WITH)\b", re.IGNORECASE | re.ASCII)
WRITE_KEYWORD = re.compile(r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\b", re.IGNORECASE | re.ASCII)
NOT_A_WRITE = re.compile(r"\b(?:FOR|KEY|DO)\s+$", re.IGNORECASE | re.ASCII)  # the words before a lock's UPDATE
TARGET = re.compile(r'\s+(?:"(\w+)"|(\w+))(?=[\s(])', re.ASCII)
MERGE = re.compile(r"\bMERGE\b", re.IGNORECASE | re.ASCII)

_bump_owed = False


class Generation(NamedTuple):
    """The numbers a cached list is keyed on: the data generation, and its plan's generation (a
    list narrowed to one plan) or the plans' generation (any other list)."""

    data: int
    plans: int


def is_write(sql) -> bool:
    """Whether a statement may change data (a composed, non-string statement is assumed to)."""
    if not isinstance(sql, str):
        return True
    head = sql[:48].lstrip()
    if head.upper().startswith(READ_PREFIXES):
        return False
    return not any(table in head for table in UNWATCHED_TABLES)


def written_tables(sql) -> frozenset[str] | None:
    """The tables a write changes, when the statement names them plainly; None when it cannot be told."""
    if not isinstance(sql, str) or ";" in sql or not STATEMENT_START.match(sql) or MERGE.search(sql):
        return None
    tables = set()
    for keyword in WRITE_KEYWORD.finditer(sql):
        if keyword[0][0] in "uU" and NOT_A_WRITE.search(sql, max(0, keyword.start() - 8), keyword.start()):
            continue
        target = TARGET.match(sql, keyword.end())
        if target is None:
            return None
        tables.add(target[1] or target[2])
    return frozenset(tables) or None


def writes_plan_data(sql) -> bool:
    """Whether a write changes only tables of plan data (planboard.core.changes.plan_tables)."""
    tables = written_tables(sql)
    return tables is not None and tables <= changes.plan_tables()


def plans_key(plan_id: int | None) -> str:
    """The key of a plan's generation, or of the plans' generation (None)."""
    return PLANS_KEY if plan_id is None else PLAN_KEY.format(plan_id)


def current() -> int | None:
    """The data generation now, or None when the cache cannot be reached."""
    try:
        _pay_owed_bump()
        value = cache.get(CACHE_KEY)
        if value is None:
            cache.add(CACHE_KEY, time.time_ns(), timeout=None)
            value = cache.get(CACHE_KEY)
        return value
    except CACHE_ERRORS as error:
        logger.warning("The data generation cannot be read (%s); responses are not cached.", error)
        return None


def current_for(
    plan_id: int | None, counter: tuple[str, int] | None = None
) -> tuple[Generation | None, dict[str, int]]:
    """The numbers a list narrowed to `plan_id` (None: not narrowed) is keyed on, read in one round
    trip to the cache (planboard/api_cache/shared_cache.py), with one counter (key, seconds to live)
    counted in the same trip; the counter's new value by key, or nothing if it was not counted.
    None for the numbers when the cache cannot be reached."""
    keys = [CACHE_KEY, plans_key(plan_id)]
    count_keys, timeout = ([counter[0]], counter[1]) if counter else ([], 0)
    try:
        _pay_owed_bump()
        values, counts = shared_cache.read_and_count(keys, count_keys, timeout)
        if None in values:  # never moved yet, or lost: start it from the clock
            for key, value in zip(keys, values, strict=True):
                if value is None:
                    cache.add(key, time.time_ns(), timeout=None)
            found = cache.get_many(keys)
            values = [found.get(key) for key in keys]
    except CACHE_ERRORS as error:
        logger.warning("The data generations cannot be read (%s); responses are not cached.", error)
        return None, {}
    counted = dict(zip(count_keys, counts, strict=True))
    if None in values:
        return None, counted
    return Generation(*values), counted


def bump() -> None:
    """Move the data generation on: every response cached so far is out of date."""
    global _bump_owed
    try:
        shared_cache.bump([CACHE_KEY], time.time_ns())
    except CACHE_ERRORS as error:
        _bump_owed = True
        logger.error("The data generation cannot be moved on (%s); retried before the next read.", error)


def bump_plans(plan_ids: Iterable[int]) -> None:
    """Move these plans' generations and the plans' generation on: every response cached so far
    that shows data of these plans is out of date. If that fails, the data generation is owed."""
    global _bump_owed
    keys = [plans_key(plan_id) for plan_id in sorted(set(plan_ids))] + [PLANS_KEY]
    try:
        shared_cache.bump(keys, time.time_ns())
    except CACHE_ERRORS as error:
        _bump_owed = True
        logger.error("Plan generations cannot be moved on (%s); everything is dropped before the next read.", error)


def _pay_owed_bump() -> None:
    """Make the move of the data generation that failed earlier (raises if the cache still refuses)."""
    global _bump_owed
    if _bump_owed:
        shared_cache.bump([CACHE_KEY], time.time_ns())
        _bump_owed = False


def data_changed(connection, plan_data: bool = False) -> None:
    """Record that data changed on `connection`: the move follows its commit (or comes now in
    autocommit mode). `plan_data`: the write changed only a table of plan data, which the
    transaction's declared plans may cover. Called by the execute wrapper, and by code that writes
    around Django's cursor (with plan_data left False: everything is dropped)."""
    record = changes.open_transaction(connection)
    if record is None:
        # Autocommit: the statement is already committed. Manual transaction management (no atomic
        # block, autocommit off) gives no commit hook, so it also bumps now; API_CACHE_SECONDS bounds the rest.
        bump()
        return
    if not plan_data:
        record.outside_plans = True
    # One move per transaction is enough. Django replaces its list of commit hooks on a commit or a
    # savepoint rollback (which may have dropped ours), so while the list is the one ours went into,
    # ours is still queued. What it moves is decided as it runs, from the record as it then stands.
    if getattr(connection, "_planboard_bump_queued_in", None) is connection.run_on_commit:
        return
    connection.on_commit(functools.partial(committed, record))
    connection._planboard_bump_queued_in = connection.run_on_commit


def committed(record: changes.TransactionChanges) -> None:
    """After a commit: move the declared plans' generations if they cover every write, else the data generation."""
    if record.covers_everything_written:
        bump_plans(record.plans)
    else:
        bump()


def watch_writes(execute, sql, params, many, context):
    """Execute wrapper: a statement that may change data moves a generation (see data_changed)."""
    try:
        return execute(sql, params, many, context)
    finally:
        # Even a failed statement may have changed rows (a partly applied executemany in autocommit).
        if is_write(sql):
            data_changed(context["connection"], plan_data=writes_plan_data(sql))


def install_on(connection, **_kwargs) -> None:
    """connection_created receiver: watch the new connection's statements (once per connection)."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def install() -> None:
    """Watch every database connection opened from now on (called from PlanboardConfig.ready)."""
    connection_created.connect(install_on, dispatch_uid="planboard-data-generation")
