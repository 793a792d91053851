"""Coalescing: bursts of presses become few edits, the last state wins, limits hold."""

from __future__ import annotations

import asyncio
import itertools

from bot.followup import EditCoalescer, EditPlanner, MessageRef
from tests.fakes import SchedulingClock

MSG = MessageRef(channel_id=10, message_id=1)
OTHER_IN_CHANNEL = MessageRef(channel_id=10, message_id=2)
ELSEWHERE = MessageRef(channel_id=20, message_id=3)


def test_planner_spaces_edits_per_message_and_per_channel() -> None:
    planner = EditPlanner(per_message_seconds=5, per_channel_seconds=1)
    assert planner.earliest(MSG, 0) == 0
    planner.record(MSG, 0)
    assert planner.earliest(MSG, 0.5) == 5
    assert planner.earliest(OTHER_IN_CHANNEL, 0.5) == 1
    assert planner.earliest(ELSEWHERE, 0.5) == 0.5
    assert planner.earliest(MSG, 9) == 9


async def test_a_burst_of_presses_makes_one_edit_now_and_one_with_the_last_state() -> None:
    time = SchedulingClock()
    coalescer = EditCoalescer(
        EditPlanner(per_message_seconds=5, per_channel_seconds=1),
        clock=time.monotonic,
        sleep=time.sleep,
    )
    state = {"presses": 0}
    shown: list[tuple[float, int]] = []

    def render() -> None:
        async def edit() -> None:
            shown.append((time.monotonic(), state["presses"]))

        coalescer.request(MSG, edit)

    for _ in range(10):
        state["presses"] += 1
        render()
        await asyncio.sleep(0)
    await time.settle()
    assert shown == [(1000.0, 1), (1005.0, 10)]


async def test_edits_of_one_channel_never_come_closer_than_the_channel_interval() -> None:
    time = SchedulingClock()
    coalescer = EditCoalescer(
        EditPlanner(per_message_seconds=5, per_channel_seconds=1.25),
        clock=time.monotonic,
        sleep=time.sleep,
    )
    moments: list[tuple[float, int]] = []
    refs = [MessageRef(10, n) for n in range(6)] + [ELSEWHERE]
    for ref in refs:

        async def edit(ref: MessageRef = ref) -> None:
            moments.append((time.monotonic(), ref.channel_id))

        coalescer.request(ref, edit)
    await time.settle()
    in_channel = [at for at, channel in moments if channel == 10]
    assert len(in_channel) == 6
    assert all(b - a >= 1.25 for a, b in itertools.pairwise(in_channel))
    assert (1000.0, 20) in moments  # another channel does not wait


async def test_a_failing_edit_does_not_stop_the_next_one() -> None:
    time = SchedulingClock()
    coalescer = EditCoalescer(clock=time.monotonic, sleep=time.sleep)
    done: list[str] = []

    async def broken() -> None:
        raise RuntimeError("Discord said no")

    async def fine() -> None:
        done.append("edited")

    coalescer.request(MSG, broken)
    await asyncio.sleep(0)
    coalescer.request(MSG, fine)
    await time.settle()
    assert done == ["edited"]
    assert coalescer.edits_run == 2


async def test_close_drops_waiting_edits() -> None:
    coalescer = EditCoalescer(EditPlanner(per_message_seconds=3600))
    ran: list[int] = []

    async def edit() -> None:
        ran.append(1)

    coalescer.request(MSG, edit)
    await asyncio.sleep(0)
    coalescer.request(MSG, edit)
    await asyncio.sleep(0)
    await coalescer.close()
    assert ran == [1]
    assert coalescer.waiting == 0
