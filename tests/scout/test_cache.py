"""The cache on its own: TTL, LRU order, the byte bound, and lastRun invalidation."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.scout.cache import ScoutCache
from tests.fakes import FakeClock

EARLY = datetime(2026, 7, 12, 8, 42, tzinfo=UTC)
LATER = datetime(2026, 7, 12, 9, 30, tzinfo=UTC)


def test_entries_expire_after_their_ttl() -> None:
    clock = FakeClock()
    cache = ScoutCache(10, clock=clock.monotonic)
    cache.put("a", 1, ttl=60)

    clock.advance(59.9)
    assert cache.get("a") == 1
    clock.advance(0.2)
    assert cache.get("a") is None and len(cache) == 0


def test_a_zero_ttl_is_not_kept() -> None:
    cache = ScoutCache(10, clock=FakeClock().monotonic)
    cache.put("a", 1, ttl=0)
    assert cache.get("a") is None


def test_the_least_recently_used_entry_goes_first() -> None:
    cache = ScoutCache(2, clock=FakeClock().monotonic)
    cache.put("a", 1, ttl=60)
    cache.put("b", 2, ttl=60)
    cache.get("a")  # a is now the most recently used
    cache.put("c", 3, ttl=60)

    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_the_byte_bound_evicts_and_refuses_what_cannot_fit() -> None:
    cache = ScoutCache(100, max_bytes=1000, clock=FakeClock().monotonic)
    cache.put("a", 1, ttl=60, size=600)
    cache.put("b", 2, ttl=60, size=600)  # a goes to make room

    assert cache.get("a") is None and cache.get("b") == 2
    assert cache.size_bytes == 600
    cache.put("huge", 3, ttl=60, size=1001)
    assert cache.get("huge") is None and cache.get("b") == 2


def test_a_newer_last_run_drops_what_was_computed_before() -> None:
    cache = ScoutCache(10, clock=FakeClock().monotonic)
    cache.put("orbits", "old orbits", ttl=900, designation="A11EBEK", last_run=EARLY)
    cache.put("other", "kept", ttl=900, designation="A11EvW3", last_run=EARLY)

    cache.note_last_run("A11EBEK", EARLY)  # the same run: nothing changes
    assert cache.get("orbits") == "old orbits"

    cache.note_last_run("A11EBEK", LATER)
    assert cache.get("orbits") is None
    assert cache.get("other") == "kept"


def test_an_answer_older_than_the_known_run_is_not_served() -> None:
    cache = ScoutCache(10, clock=FakeClock().monotonic)
    cache.note_last_run("A11EBEK", LATER)
    cache.put("orbits", "late answer", ttl=900, designation="A11EBEK", last_run=EARLY)

    assert cache.get("orbits") is None
