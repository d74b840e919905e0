"""Counting in the shared cache, in one round trip where Django's cache API needs several.

The API's hot path touches the cache on every request: the throttle adds one to the caller's count
(planboard/core/api.py) and cached reads need the data generations (planboard/api_cache/generation.py,
planboard/api_cache/responses.py). With django-redis (CACHE_URL set) each call here is one Lua script run
by Redis, atomic, and `read_and_count` does both jobs in the same round trip. With any other
backend (the per-process cache of development and tests) the same results come from the cache API.
"""

from collections.abc import Sequence

from django.core.cache import caches
from django_redis.cache import RedisCache

# KEYS: the first ARGV[2] are values to read (returned first, false when missing), the rest are
# counters to add one to; a counter that did not exist is created with ARGV[1] seconds to live.
COUNT_SCRIPT = """
local reads = {}
local counts = {}
local n_read = tonumber(ARGV[2])
for i = 1, #KEYS do
  if i <= n_read then
    reads[i] = redis.call('GET', KEYS[i])
  else
    local n = redis.call('INCR', KEYS[i])
    if n == 1 then redis.call('EXPIRE', KEYS[i], ARGV[1]) end
    counts[#counts + 1] = n
  end
end
return {reads, counts}
"""

# KEYS: numbers to move on by one; a missing one starts at ARGV[1] instead (kept with no expiry).
BUMP_SCRIPT = """
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    redis.call('INCR', KEYS[i])
  else
    redis.call('SET', KEYS[i], ARGV[1])
  end
end
return #KEYS
"""


def count(key: str, timeout: int) -> int:
    """Add one to the counter `key` (created with `timeout` seconds to live); its new value."""
    return read_and_count([], [key], timeout)[1][0]


def read_and_count(read_keys: Sequence[str], count_keys: Sequence[str], timeout: int) -> tuple[list, list[int]]:
    """The values under `read_keys` (None for a missing one) and the new values of the counters
    `count_keys`, each first created with `timeout` seconds to live."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return _read_and_count_by_api(backend, read_keys, count_keys, timeout)
    client = backend.client
    keys = [str(client.make_key(key)) for key in [*read_keys, *count_keys]]
    reads, counts = _script(backend, "count", COUNT_SCRIPT)(keys=keys, args=[timeout, len(read_keys)])
    values = [client.decode(read) if read not in (None, False) else None for read in reads]
    return values, [int(n) for n in counts]


def bump(keys: Sequence[str], start: int) -> None:
    """Add one to each number under `keys`, in one step; a missing number starts at `start` (kept
    with no expiry). Numbers stored by Django's cache API read back as numbers, and the other way."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        for key in keys:
            try:
                backend.incr(key)
            except ValueError:  # missing: start it, unless someone else just did (then theirs is new too)
                backend.add(key, start, timeout=None)
        return
    client = backend.client
    _script(backend, "bump", BUMP_SCRIPT)(keys=[str(client.make_key(key)) for key in keys], args=[start])


def _script(backend: RedisCache, name: str, source: str):
    """The registered script, one per backend object (and so per thread and per settings)."""
    attribute = f"planboard_{name}_script"
    script = getattr(backend, attribute, None)
    if script is None:
        script = backend.client.get_client(write=True).register_script(source)
        setattr(backend, attribute, script)
    return script


def _read_and_count_by_api(backend, read_keys: Sequence[str], count_keys: Sequence[str], timeout: int):
    found = backend.get_many(read_keys) if read_keys else {}
    values = [found.get(key) for key in read_keys]
    counts = []
    for key in count_keys:
        try:
            counts.append(backend.incr(key))
        except ValueError:  # a new counter
            counts.append(1 if backend.add(key, 1, timeout=timeout) else backend.incr(key))
    return values, counts
