"""The per-user window and the global pacing that keep /actioncode from flooding anyone."""

from __future__ import annotations

import asyncio

from bot.mpc.limits import GlobalPacer, PerUserLimit
from tests.fakes import FakeClock

HOUR = 3600.0


class TestPerUserLimit:
    def test_a_user_may_ask_up_to_the_limit(self, clock: FakeClock) -> None:
        limit = PerUserLimit(3, HOUR, clock.monotonic)
        for _ in range(3):
            assert limit.retry_after(42) == 0
            limit.record(42)
        assert limit.retry_after(42) == HOUR

    def test_the_wait_ends_when_the_oldest_request_leaves_the_window(
        self, clock: FakeClock
    ) -> None:
        limit = PerUserLimit(2, HOUR, clock.monotonic)
        limit.record(42)
        clock.advance(600)
        limit.record(42)
        clock.advance(600)
        assert limit.retry_after(42) == HOUR - 1200
        clock.advance(HOUR - 1200)
        assert limit.retry_after(42) == 0

    def test_the_window_slides_rather_than_resetting_on_the_hour(self, clock: FakeClock) -> None:
        limit = PerUserLimit(2, HOUR, clock.monotonic)
        limit.record(42)
        clock.advance(HOUR - 1)
        limit.record(42)
        clock.advance(1)  # the first has left the window, the second has not
        assert limit.retry_after(42) == 0
        limit.record(42)
        assert limit.retry_after(42) == HOUR - 1

    def test_users_are_counted_apart(self, clock: FakeClock) -> None:
        limit = PerUserLimit(1, HOUR, clock.monotonic)
        limit.record(42)
        assert limit.retry_after(42) > 0
        assert limit.retry_after(43) == 0

    def test_only_recorded_requests_count(self, clock: FakeClock) -> None:
        limit = PerUserLimit(1, HOUR, clock.monotonic)
        for _ in range(10):
            assert limit.retry_after(42) == 0

    def test_users_whose_requests_have_all_expired_are_forgotten(self, clock: FakeClock) -> None:
        limit = PerUserLimit(5, HOUR, clock.monotonic)
        for user in range(100):
            limit.record(user)
        clock.advance(HOUR)
        limit.retry_after(1)
        assert limit._sent == {}  # memory stays bounded by the users of the last hour


def pacer_for(clock: FakeClock, per_second: float = 1.0) -> GlobalPacer:
    return GlobalPacer(per_second, clock.monotonic, clock.sleep)


class TestGlobalPacer:
    async def test_the_first_request_goes_at_once(self, clock: FakeClock) -> None:
        pacer = pacer_for(clock)
        assert await pacer.take_turn(max_wait=10)
        assert clock.slept == []

    async def test_each_turn_waits_the_interval_after_the_one_before(
        self, clock: FakeClock
    ) -> None:
        pacer = pacer_for(clock, per_second=2.0)
        turns = []
        for _ in range(3):
            assert await pacer.take_turn(max_wait=10)
            turns.append(clock.monotonic())
        assert turns == [1000.0, 1000.5, 1001.0]

    async def test_a_turn_after_a_quiet_spell_goes_at_once(self, clock: FakeClock) -> None:
        pacer = pacer_for(clock)
        await pacer.take_turn(max_wait=10)
        clock.advance(5)
        await pacer.take_turn(max_wait=10)
        assert clock.slept == []

    async def test_a_turn_too_far_away_is_given_up_and_not_claimed(self, clock: FakeClock) -> None:
        pacer = pacer_for(clock, per_second=0.1)  # one every 10 s
        await pacer.take_turn(max_wait=10)
        assert not await pacer.take_turn(max_wait=5)
        assert clock.slept == []  # gave up without waiting
        assert pacer.expected_wait() == 10  # and claimed nothing

    async def test_not_before_delays_a_turn(self, clock: FakeClock) -> None:
        pacer = pacer_for(clock)
        assert await pacer.take_turn(max_wait=10, not_before=clock.monotonic() + 2)
        assert clock.slept == [2]

    async def test_a_pause_holds_every_turn_until_it_ends(self, clock: FakeClock) -> None:
        pacer = pacer_for(clock)
        pacer.pause_until(clock.monotonic() + 60)
        assert pacer.paused
        assert pacer.expected_wait() == 60
        assert not await pacer.take_turn(max_wait=10)
        assert await pacer.take_turn(max_wait=60)
        assert clock.slept == [60]
        assert not pacer.paused

    async def test_a_shorter_pause_does_not_cut_a_longer_one(self, clock: FakeClock) -> None:
        pacer = pacer_for(clock)
        pacer.pause_until(clock.monotonic() + 60)
        pacer.pause_until(clock.monotonic() + 5)
        assert pacer.expected_wait() == 60

    async def test_waiting_requests_lengthen_the_expected_wait(self, clock: FakeClock) -> None:
        pacer = pacer_for(clock)
        await pacer.take_turn(max_wait=10)  # the next turn is 1 s away
        clock.gate = asyncio.Event()
        waiters = [asyncio.create_task(pacer.take_turn(max_wait=10)) for _ in range(3)]
        await settle()
        # Their turns come in 1, 2 and 3 s: a newcomer's comes in 4.
        assert pacer.expected_wait() == 4
        clock.gate.set()
        assert await asyncio.gather(*waiters) == [True, True, True]
        assert pacer.expected_wait() == 1


async def settle() -> None:
    """Let every runnable task run until it blocks (no time passes)."""
    for _ in range(20):
        await asyncio.sleep(0)


class TestRefund:
    def test_a_refund_gives_back_the_latest_request(self, clock: FakeClock) -> None:
        limit = PerUserLimit(1, HOUR, clock.monotonic)
        limit.record(42)
        limit.refund(42)
        assert limit.retry_after(42) == 0

    def test_a_refund_with_nothing_recorded_is_harmless(self, clock: FakeClock) -> None:
        limit = PerUserLimit(1, HOUR, clock.monotonic)
        limit.refund(42)
        assert limit.retry_after(42) == 0
