"""Builders shared by the store tests."""

from __future__ import annotations

from collections.abc import Sequence

from bot.neocp import AlertFilter, NeocpEvent, diff_snapshot, start_tracking
from bot.neocp.filters import recipients
from bot.store import NewSubscription, Store
from tests.builders import scout_object
from tests.fakes import T0

GUILD = 111
CHANNEL = 222


def subscription(channel_id: int = CHANNEL, **thresholds: object) -> NewSubscription:
    return NewSubscription(
        guild_id=GUILD,
        channel_id=channel_id,
        filter=AlertFilter.model_validate(thresholds),
        mention_role_id=None,
        created_by=42,
    )


async def queue_one_new_event(store: Store, designation: str = "P21new") -> int:
    await store.record_first_poll(start_tracking([scout_object("A")], now=T0), at=T0)
    snapshot = await store.load_snapshot()
    result = diff_snapshot(snapshot.objects, [scout_object("A"), scout_object(designation)], now=T0)
    return await store.record_poll(result.changes, await chosen(store, result.events), at=T0)


async def chosen(store: Store, events: Sequence[NeocpEvent]) -> list[tuple[NeocpEvent, list[int]]]:
    """Each event with the subscriptions that want it, as the watcher chooses them."""
    filters = [(s.id, s.filter) for s in await store.active_subscriptions()]
    return [(event, recipients(event, filters)) for event in events]
