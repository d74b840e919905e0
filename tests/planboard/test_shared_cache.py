"""Counting in the shared cache, against a real Redis (one Lua script a call) and against the
in-process cache of development, which must give the same answers."""

from django.core.cache import cache

from planboard.api_cache import generation, shared_cache


def test_a_counter_starts_at_one_and_counts_up(either_cache):
    assert [shared_cache.count("calls", timeout=60) for _ in range(3)] == [1, 2, 3]
    assert shared_cache.count("other", timeout=60) == 1


def test_a_new_counter_lives_for_its_timeout(either_cache):
    shared_cache.count("calls", timeout=60)
    shared_cache.count("calls", timeout=60)
    if either_cache == "redis":
        assert 0 < cache.ttl("calls") <= 60  # set when created, not moved by later counts
    cache.delete("calls")
    assert shared_cache.count("calls", timeout=60) == 1


def test_read_and_count_reads_a_value_and_counts_in_one_go(either_cache):
    cache.set("number", 1795695524931756539, timeout=None)
    cache.set("thing", {"a": 1}, timeout=None)
    assert shared_cache.read_and_count("number", ["calls"], timeout=60) == (1795695524931756539, [1])
    assert shared_cache.read_and_count("thing", ["calls", "more"], timeout=60) == ({"a": 1}, [2, 1])
    assert shared_cache.read_and_count("missing", ["calls"], timeout=60) == (None, [3])


def test_the_generation_moves_and_counts_the_same_on_both(either_cache):
    first = generation.current()
    generation.bump()
    assert generation.current() == first + 1
    current, counted = generation.current_and_count(("calls", 60))
    assert (current, counted) == (first + 1, {"calls": 1})
    cache.delete(generation.CACHE_KEY)
    current, _ = generation.current_and_count(("calls", 60))
    assert current > first + 1  # started again from the clock
