"""The watcher with a fake Scout and a fake Discord, through faults, restarts and crashes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot.alerts.delivery import MAX_DELIVERY_AGE, ChannelUnavailable, DeliveryFailed
from bot.alerts.watcher import EMPTY_LIST_CONFIRMATION
from bot.neocp import EventSelection
from bot.scout.errors import ScoutBadResponse, ScoutUnavailable
from bot.scout.models import Summary
from bot.store import DeliveryState, SubscriptionState
from tests.alerts.helpers import FIRST, GUILD, HERE, THERE, A, B, Bot, C
from tests.builders import scout_object, summary_of
from tests.fakes import FakeScout

OTHER_GUILD = 2002


class SimulatedCrash(BaseException):
    """Stands for the process dying: nothing in the watcher may catch it."""


def crash_once(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    calls = 0

    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise SimulatedCrash
        return await method(*args, **kwargs)

    return wrapper


# --- polling ----------------------------------------------------------------------------


async def test_the_first_poll_records_the_list_and_posts_nothing(bot: Bot) -> None:
    await bot.cycle()
    assert bot.sender.messages == []
    assert bot.watcher is not None and bot.watcher.status.objects_tracked == 2
    assert "nothing posted" in (bot.watcher.status.last_poll_note or "")


async def test_a_new_object_is_posted_once_to_every_wanting_channel(bot: Bot) -> None:
    await bot.subscribe(THERE)
    await bot.cycle()
    bot.scout.then(summary_of([A, B, C]))
    await bot.cycle()
    await bot.cycle()
    assert sorted(bot.sender.posted()) == [("new", "P21cccc"), ("new", "P21cccc")]
    assert {m.channel_id for m in bot.sender.messages} == {HERE, THERE}


async def test_one_upstream_request_a_cycle_whatever_the_number_of_subscribers(bot: Bot) -> None:
    for channel in range(100, 140):
        await bot.subscribe(channel)
    bot.scout.then(summary_of([A, B, C]))
    for _ in range(3):
        await bot.cycle()
    assert bot.scout.calls == 3
    assert bot.scout.fresh_calls == 3  # each poll sees Scout's own list, not a cached one


async def test_a_new_object_reaches_every_channel_in_the_cycle_that_found_it(bot: Bot) -> None:
    # More channels than the store hands out in one page of due deliveries.
    channels = range(1000, 1450)
    for channel in channels:
        await bot.subscribe(channel)
    await bot.cycle()
    bot.scout.then(summary_of([A, B, C]))
    await bot.cycle()
    assert {m.channel_id for m in bot.sender.messages} == {HERE, *channels}
    assert bot.sender.posted() == [("new", "P21cccc")] * (len(channels) + 1)


async def test_an_update_and_a_removal_are_posted_with_what_changed(bot: Bot) -> None:
    await bot.cycle()
    moved = scout_object("P21aaaa", nObs=9)
    bot.scout.then(summary_of([moved]), summary_of([moved]))
    await bot.cycle()
    await bot.cycle()
    assert bot.sender.posted() == [("updated", "P21aaaa"), ("removed", "P21bbbb")]


async def test_events_pass_only_the_subscriptions_that_want_them(bot: Bot) -> None:
    await bot.subscribe(THERE, events=EventSelection.NEW, min_pha_score=50)
    risky = scout_object("P21risk", phaScore=60)
    await bot.cycle()
    bot.scout.then(summary_of([A, B, C, risky]))
    await bot.cycle()
    assert bot.sender.posted(THERE) == [("new", "P21risk")]
    assert sorted(bot.sender.posted(HERE)) == [("new", "P21cccc"), ("new", "P21risk")]


@pytest.mark.parametrize(
    "bad_poll",
    [
        ScoutUnavailable("503 Service Unavailable"),
        ScoutBadResponse("summary `data` is not a list"),
        RuntimeError("a bug in the client"),
        summary_of([A], version="2.0"),
        Summary(signature={"version": "1.3"}, count=40, objects=[A]),
    ],
    ids=["unavailable", "malformed", "unexpected", "version-changed", "count-mismatch"],
)
async def test_a_bad_poll_changes_nothing(bot: Bot, bad_poll: Summary | BaseException) -> None:
    await bot.cycle()
    assert bot.store is not None and bot.watcher is not None
    before = await bot.store.load_snapshot()
    bot.scout.then(bad_poll, bad_poll, FIRST)
    await bot.cycle()
    await bot.cycle()
    assert await bot.store.load_snapshot() == before
    assert bot.sender.messages == []
    status = bot.watcher.status
    assert status.last_poll_ok is False
    assert status.last_error is not None and status.last_error_at == bot.clock.utc()
    await bot.cycle()  # the list comes back whole: still nothing to say
    assert bot.sender.messages == []
    assert bot.watcher.status.last_poll_ok is True


async def test_a_short_run_of_empty_lists_changes_nothing(bot: Bot) -> None:
    await bot.cycle()
    before = await bot.store.load_snapshot()  # type: ignore[union-attr]
    bot.scout.then(summary_of([]), summary_of([]), summary_of([]), FIRST)
    for _ in range(3):
        await bot.cycle(minutes=2)
    assert await bot.store.load_snapshot() == before  # type: ignore[union-attr]
    await bot.cycle(minutes=2)
    assert bot.sender.messages == []


async def test_a_list_that_stays_empty_counts_once_confirmed(bot: Bot) -> None:
    await bot.cycle()
    bot.scout.then(summary_of([]))
    await bot.cycle(minutes=2)
    await bot.cycle(minutes=EMPTY_LIST_CONFIRMATION.total_seconds() / 60)
    await bot.cycle(minutes=2)
    assert sorted(bot.sender.posted()) == [("removed", "P21aaaa"), ("removed", "P21bbbb")]


async def test_an_empty_first_poll_does_not_become_the_starting_list(bot: Bot) -> None:
    bot.scout = FakeScout(summary_of([]), FIRST)
    await bot.restart()
    await bot.cycle()
    await bot.cycle()
    assert bot.sender.messages == []  # FIRST is the starting list, not two new objects


async def test_a_failing_store_is_logged_and_the_next_cycle_goes_on(bot: Bot) -> None:
    assert bot.store is not None and bot.watcher is not None
    real = bot.store.load_snapshot

    async def broken() -> Any:
        raise OSError("disk I/O error")

    bot.store.load_snapshot = broken  # type: ignore[method-assign]
    await bot.cycle()
    assert bot.watcher.status.last_error == "internal error while polling: OSError"
    bot.store.load_snapshot = real  # type: ignore[method-assign]
    await bot.cycle()
    assert bot.watcher.status.last_poll_ok is True


def test_the_next_poll_comes_after_the_interval_plus_jitter(bot: Bot) -> None:
    assert bot.watcher is not None
    delays = [bot.watcher.next_delay() for _ in range(50)]
    assert all(60 <= delay <= 65 for delay in delays)
    assert len(set(delays)) > 1
    assert bot.watcher.status.next_poll_at is not None


# --- delivery ---------------------------------------------------------------------------


async def start_with_one_new_event(bot: Bot) -> None:
    await bot.cycle()
    bot.scout.then(summary_of([A, B, C]))


async def test_a_channel_that_is_gone_disables_its_subscription_and_the_others_go_on(
    bot: Bot,
) -> None:
    await bot.subscribe(THERE)
    bot.sender.fail(HERE, ChannelUnavailable("404 Not Found: Unknown Channel"))
    await start_with_one_new_event(bot)
    await bot.cycle()
    await bot.cycle()
    assert bot.sender.posted(THERE) == [("new", "P21cccc")]
    assert bot.sender.posted(HERE) == []
    assert bot.store is not None
    subs = {s.channel_id: s for s in await bot.store.guild_subscriptions(GUILD)}
    assert subs[HERE].state is SubscriptionState.DISABLED
    assert subs[HERE].last_failure == "404 Not Found: Unknown Channel"
    assert subs[THERE].state is SubscriptionState.ACTIVE

    # Later events are not queued for the disabled channel at all.
    bot.scout.then(summary_of([A, B, C, scout_object("P21dddd")]))
    await bot.cycle()
    assert bot.sender.posted(HERE) == []
    assert bot.sender.posted(THERE)[-1] == ("new", "P21dddd")


async def test_a_server_error_is_retried_in_order_next_cycle(bot: Bot) -> None:
    bot.sender.fail(HERE, DeliveryFailed("503 Service Unavailable"))
    await start_with_one_new_event(bot)
    bot.scout.then(summary_of([A, B, C, scout_object("P21dddd")]))
    await bot.cycle()
    assert bot.sender.messages == []
    await bot.cycle()  # the failed message first: one message a cycle
    assert bot.sender.posted() == [("new", "P21cccc")]
    await bot.cycle()
    assert bot.sender.posted() == [("new", "P21cccc"), ("new", "P21dddd")]
    assert bot.store is not None
    assert (await bot.store.outbox_counts()).pending == 0


async def test_an_alert_for_a_server_not_allowed_is_never_posted(bot: Bot) -> None:
    await bot.subscribe(THERE, guild_id=OTHER_GUILD)
    await start_with_one_new_event(bot)
    await bot.cycle()
    assert bot.sender.posted(THERE) == []
    assert bot.sender.posted(HERE) == [("new", "P21cccc")]
    assert bot.store is not None
    (sub,) = await bot.store.guild_subscriptions(OTHER_GUILD)
    assert sub.last_failure is not None and "allowed_guilds" in sub.last_failure


async def test_a_delivery_failing_for_too_long_is_given_up(bot: Bot) -> None:
    bot.sender.fail(HERE, *[DeliveryFailed("502 Bad Gateway")] * 1000)
    await start_with_one_new_event(bot)
    await bot.cycle()
    await bot.cycle(minutes=MAX_DELIVERY_AGE.total_seconds() / 60 + 1)
    assert bot.store is not None
    counts = await bot.store.outbox_counts()
    assert (counts.pending, counts.failed) == (0, 1)
    (sub,) = await bot.store.guild_subscriptions(GUILD)
    assert sub.last_failure is not None and "502 Bad Gateway" in sub.last_failure


# --- crashes and restarts ---------------------------------------------------------------


async def test_a_crash_before_the_poll_is_stored_finds_the_same_events_again(bot: Bot) -> None:
    await start_with_one_new_event(bot)
    assert bot.store is not None
    bot.store.record_poll = crash_once(bot.store.record_poll)  # type: ignore[method-assign]
    with pytest.raises(SimulatedCrash):
        await bot.cycle()
    await bot.restart()
    await bot.cycle()
    assert bot.sender.posted() == [("new", "P21cccc")]


async def test_a_crash_after_queueing_but_before_posting_posts_once_after_restart(
    bot: Bot,
) -> None:
    await start_with_one_new_event(bot)
    assert bot.store is not None
    bot.store.claim = crash_once(bot.store.claim)  # type: ignore[method-assign]
    with pytest.raises(SimulatedCrash):
        await bot.cycle()
    assert bot.sender.messages == []
    await bot.restart()
    await bot.cycle()
    await bot.cycle()
    assert bot.sender.posted() == [("new", "P21cccc")]


@pytest.mark.parametrize("history_visible", [True, False], ids=["found-in-history", "nonce"])
async def test_a_crash_between_posting_and_marking_sent_does_not_repeat(
    bot: Bot, history_visible: bool
) -> None:
    bot.sender.history_visible = history_visible
    await start_with_one_new_event(bot)
    assert bot.store is not None
    bot.store.mark_sent = crash_once(bot.store.mark_sent)  # type: ignore[method-assign]
    with pytest.raises(SimulatedCrash):
        await bot.cycle()
    assert bot.sender.posted() == [("new", "P21cccc")]  # it did reach the channel

    await bot.restart()
    await bot.cycle()
    await bot.cycle()
    assert bot.sender.posted() == [("new", "P21cccc")]
    assert bot.store is not None
    counts = await bot.store.outbox_counts()
    assert (counts.pending, counts.sent) == (0, 1)
    # Without history the resend carried the same nonce, so Discord returned the first.
    assert bot.sender.send_calls == (1 if history_visible else 2)


async def test_a_restart_does_not_repost_or_rediscover_anything(bot: Bot) -> None:
    await start_with_one_new_event(bot)
    await bot.cycle()
    await bot.restart()
    await bot.cycle()
    await bot.cycle()
    assert bot.sender.posted() == [("new", "P21cccc")]


async def test_a_posting_delivery_is_kept_with_its_nonce_across_a_retry(bot: Bot) -> None:
    bot.sender.history_visible = False
    bot.sender.fail(HERE, DeliveryFailed("500 Internal Server Error"))
    await start_with_one_new_event(bot)
    await bot.cycle()
    assert bot.store is not None
    (delivery,) = (await bot.store.due_messages()).rows
    assert delivery.state is DeliveryState.POSTING and delivery.nonce is not None
    first_nonce = delivery.nonce
    await bot.cycle()
    assert bot.sender.messages[0].nonce == first_nonce
