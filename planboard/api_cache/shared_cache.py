"""Counting in the shared cache, in one round trip where Django's cache API needs several.

The API's hot path touches the cache on every request: the throttle adds one to the caller's count
(planboard/core/api.py) and cached reads need the data generation (planboard/api_cache/generation.py,
planboard/api_cache/responses.py). With django-redis (CACHE_URL set) each call here is one Lua script run
by Redis, atomic, and `read_and_count` does both jobs in the same round trip. With any other
backend (the per-process cache of development and tests) the same results come from the cache API.
"""

from django.core.cache import caches
from django_redis.cache import RedisCache

# KEYS: counters to add one to; a counter that did not exist is created with ARGV[1] seconds to live.
# With ARGV[2] = "1", the first key is instead a value to read, returned first.
COUNT_SCRIPT = """
local first = 1
local read = false
if ARGV[2] == '1' then
  read = redis.call('GET', KEYS[1])
  first = 2
end
local counts = {}
for i = first, #KEYS do
  local n = redis.call('INCR', KEYS[i])
  if n == 1 then redis.call('EXPIRE', KEYS[i], ARGV[1]) end
  counts[#counts + 1] = n
end
return {read, counts}
"""


def count(key: str, timeout: int) -> int:
    """Add one to the counter `key` (created with `timeout` seconds to live); its new value."""
    return read_and_count(None, [key], timeout)[1][0]


def read_and_count(read_key: str | None, count_keys: list[str], timeout: int) -> tuple[object, list[int]]:
    """The value under `read_key` (None when it is missing or no key is given) and the new values
    of the counters `count_keys`, each first created with `timeout` seconds to live."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return _read_and_count_by_api(backend, read_key, count_keys, timeout)
    client = backend.client
    keys = [str(client.make_key(key)) for key in ([read_key] if read_key else []) + count_keys]
    script = getattr(backend, "planboard_count_script", None)
    if script is None:  # one per backend object (and so per thread and per settings)
        script = backend.planboard_count_script = client.get_client(write=True).register_script(COUNT_SCRIPT)
    read, counts = script(keys=keys, args=[timeout, "1" if read_key else "0"])
    value = client.decode(read) if read not in (None, False) else None
    return value, [int(n) for n in counts]


def _read_and_count_by_api(backend, read_key: str | None, count_keys: list[str], timeout: int):
    value = backend.get(read_key) if read_key else None
    counts = []
    for key in count_keys:
        try:
            counts.append(backend.incr(key))
        except ValueError:  # a new counter
            counts.append(1 if backend.add(key, 1, timeout=timeout) else backend.incr(key))
    return value, counts
