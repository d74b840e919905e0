"""The data generation: one number that moves after every committed write to the database.

Cached API responses (planboard/api_cache/responses.py) are stored under the generation they were read
at, so any committed write makes every older entry unreachable at once. Nothing has to remember
to invalidate: an execute wrapper, installed on each database connection as it opens, sees every
statement, and one that is not a read bumps the generation. That covers the services, the admin,
imports, Celery tasks, management commands, migrations and the raw SQL of the progress engine
(`UPDATE … FROM unnest`) alike. Writes Django cannot see (COPY in planboard/citygen/bulk.py,
which goes around its cursor; a restore; SQL typed into psql) are followed by
`manage.py api_cache_reset`, which moves the generation by hand; entries expire after
API_CACHE_SECONDS in any case.

When the bump happens is what makes the cache safe. A reader takes the generation *before* it
reads the data, and the bump comes *after* the commit (at once in autocommit mode; through
`on_commit` inside a transaction; never for a rollback). So an entry stored under generation G
holds data at least as new as every commit whose bump produced G, and a later commit moves the
number past G. Readers inside a transaction never use the cache (api_cache.py): they may see
their own uncommitted writes.

The number lives in the default cache, shared by every worker when CACHE_URL names a Redis
server. It starts from the clock in nanoseconds, so a number lost with a restarted or evicting
cache never comes back to an old value. If the cache cannot be reached the bump is owed and
retried before this process next reads the generation; meanwhile readers get None and skip the
cache. Entries also expire after API_CACHE_SECONDS whatever happens.

django-cachalot (which also invalidates on every write) was weighed and left out: its
per-table timestamps give "the latest of these", and a transaction that commits after a later
one leaves that maximum unchanged, so a response could outlive a change.
"""

import logging
import time

from django.core.cache import cache
from django.db.backends.signals import connection_created
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

from planboard.api_cache import shared_cache

logger = logging.getLogger(__name__)

CACHE_KEY = "planboard:data-generation"
# Errors of a cache server that cannot be reached: a write still succeeds, a read skips the cache.
CACHE_ERRORS = (ConnectionInterrupted, RedisError, OSError)
# Statements that change no data. Anything else (INSERT, UPDATE, DELETE, COPY, DDL, a CTE) counts as
# a write: when in doubt the cache is dropped, never kept.
READ_PREFIXES = ("SELECT", "BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "SET ", "SHOW", "EXPLAIN", "PRAGMA")
# Sessions change on every sign-in and flash message, and no API response reads them.
UNWATCHED_TABLES = ('"django_session"',)

_bump_owed = False


def is_write(sql) -> bool:
    """Whether a statement may change data (a composed, non-string statement is assumed to)."""
    if not isinstance(sql, str):
        return True
    head = sql[:48].lstrip()
    if head.upper().startswith(READ_PREFIXES):
        return False
    return not any(table in head for table in UNWATCHED_TABLES)


def current() -> int | None:
    """The generation now, or None when the cache cannot be reached."""
    global _bump_owed
    try:
        if _bump_owed:
            _increment()
            _bump_owed = False
        value = cache.get(CACHE_KEY)
        if value is None:
            cache.add(CACHE_KEY, time.time_ns(), timeout=None)
            value = cache.get(CACHE_KEY)
        return value
    except CACHE_ERRORS as error:
        logger.warning("The data generation cannot be read (%s); responses are not cached.", error)
        return None


def current_and_count(counter: tuple[str, int]) -> tuple[int | None, dict[str, int]]:
    """current(), with one counter (key, seconds to live) counted in the same round trip to the
    cache (planboard/api_cache/shared_cache.py); the counter's new value by key, or nothing if it was not counted."""
    if _bump_owed:
        return current(), {}
    key, timeout = counter
    try:
        value, counts = shared_cache.read_and_count(CACHE_KEY, [key], timeout)
    except CACHE_ERRORS as error:
        logger.warning("The data generation cannot be read (%s); responses are not cached.", error)
        return None, {}
    return (current() if value is None else value), {key: counts[0]}


def bump() -> None:
    """Move the generation on: every response cached so far is out of date."""
    global _bump_owed
    try:
        _increment()
    except CACHE_ERRORS as error:
        _bump_owed = True
        logger.error("The data generation cannot be moved on (%s); retried before the next read.", error)


def _increment() -> None:
    try:
        cache.incr(CACHE_KEY)
    except ValueError:  # the number is gone (a restarted cache): start again from the clock
        cache.add(CACHE_KEY, time.time_ns(), timeout=None)


def data_changed(connection) -> None:
    """Record that data changed on `connection`: the bump follows its commit (or comes now in
    autocommit mode). Called by the execute wrapper, and by code that writes around Django's cursor."""
    if not connection.in_atomic_block:
        # Autocommit: the statement is already committed. Manual transaction management (no atomic
        # block, autocommit off) gives no commit hook, so it also bumps now; API_CACHE_SECONDS bounds the rest.
        bump()
        return
    # One bump per transaction is enough. Django replaces its list of commit hooks on a commit or a
    # savepoint rollback (which may have dropped ours), so while the list is the one ours went into,
    # ours is still queued.
    if getattr(connection, "_planboard_bump_queued_in", None) is connection.run_on_commit:
        return
    connection.on_commit(bump)
    connection._planboard_bump_queued_in = connection.run_on_commit


def watch_writes(execute, sql, params, many, context):
    """Execute wrapper: a statement that may change data moves the generation (see data_changed)."""
    try:
        return execute(sql, params, many, context)
    finally:
        # Even a failed statement may have changed rows (a partly applied executemany in autocommit).
        if is_write(sql):
            data_changed(context["connection"])


def install_on(connection, **_kwargs) -> None:
    """connection_created receiver: watch the new connection's statements (once per connection)."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def install() -> None:
    """Watch every database connection opened from now on (called from PlanboardConfig.ready)."""
    connection_created.connect(install_on, dispatch_uid="planboard-data-generation")
