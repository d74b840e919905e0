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


def test_read_and_count_reads_values_and_counts_in_one_go(either_cache):
    cache.set("number", 1795695524931756539, timeout=None)
    cache.set("thing", {"a": 1}, timeout=None)
    assert shared_cache.read_and_count(["number"], ["calls"], timeout=60) == ([1795695524931756539], [1])
    assert shared_cache.read_and_count(["thing", "number"], ["calls", "more"], timeout=60) == (
        [{"a": 1}, 1795695524931756539],
        [2, 1],
    )
    # A missing value reads as None in its place, before and after values that are there.
    assert shared_cache.read_and_count(["missing", "number", "gone"], ["calls"], timeout=60) == (
        [None, 1795695524931756539, None],
        [3],
    )
    assert shared_cache.read_and_count(["number"], [], timeout=60) == ([1795695524931756539], [])


def test_bump_moves_numbers_on_and_starts_missing_ones(either_cache):
    cache.set("one", 41, timeout=None)
    shared_cache.bump(["one", "new"], start=1000)
    assert cache.get_many(["one", "new"]) == {"one": 42, "new": 1000}
    shared_cache.bump(["new"], start=5)
    assert cache.get("new") == 1001
    if either_cache == "redis":
        assert cache.ttl("new") is None  # kept with no expiry, like the numbers Django's API stores


def test_the_generation_moves_and_counts_the_same_on_both(either_cache):
    first = generation.current()
    generation.bump()
    assert generation.current() == first + 1
    current, counted = generation.current_for(None, ("calls", 60))
    assert current.data == first + 1 and counted == {"calls": 1}
    cache.delete(generation.CACHE_KEY)
    current, _ = generation.current_for(None, ("calls", 60))
    assert current.data > first + 1  # started again from the clock


def test_a_plan_move_leaves_the_data_generation_and_other_plans_alone(either_cache):
    seven, eight, others = generation.current_for(7)[0], generation.current_for(8)[0], generation.current_for(None)[0]
    generation.bump_plans([7])
    assert generation.current_for(7)[0] == (seven.data, seven.plans + 1)
    assert generation.current_for(8)[0] == eight
    assert generation.current_for(None)[0] == (others.data, others.plans + 1)
    generation.bump()
    assert generation.current_for(8)[0] == (eight.data + 1, eight.plans)
