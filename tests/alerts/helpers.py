"""What the alert tests share: a stand-in for Discord (a sender that keeps what it
"posted"), subscriptions, a watcher as the tests drive it, and one run of the bot."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.alerts.delivery import AlertSender, ChannelUnavailable, DeliveryError
from bot.alerts.watcher import AlertWatcher, SummarySource
from bot.config import AlertsSettings
from bot.guilds import GuildPolicy
from bot.metrics import Metrics
from bot.neocp import AlertFilter
from bot.store import Delivery, NewSubscription, Store
from tests.builders import scout_object, summary_of
from tests.fakes import FakeClock, FakeScout

GUILD = 1001
HERE, THERE = 11, 12
A, B, C = (scout_object(name) for name in ("P21aaaa", "P21bbbb", "P21cccc"))
FIRST = summary_of([A, B])


@dataclass
class Posted:
    message_id: int
    channel_id: int
    events: list[tuple[str, str]]  # (kind, designation), as found
    nonce: str
    mention_role_id: int | None
    thread_id: int | None = None


@dataclass
class FakeSender:
    """Stands in for Discord: keeps the messages "posted", and like Discord refuses to post
    a second message with a nonce it has already seen (``enforce_nonce``)."""

    history_visible: bool = True  # can find_posted see earlier messages?
    failures: dict[int, list[DeliveryError]] = field(default_factory=dict)  # per channel
    messages: list[Posted] = field(default_factory=list)
    send_calls: int = 0

    def fail(self, channel_id: int, *errors: DeliveryError) -> None:
        self.failures.setdefault(channel_id, []).extend(errors)

    async def send(self, delivery: Delivery, nonce: str) -> int:
        self.send_calls += 1
        channel_id = delivery.target.channel_id
        queued = self.failures.get(channel_id)
        if queued:
            error = queued[0]
            if not isinstance(error, ChannelUnavailable):  # a gone channel stays gone
                queued.pop(0)
            raise error
        for message in self.messages:
            if message.nonce == nonce:
                return message.message_id
        message = Posted(
            message_id=1000 + len(self.messages),
            channel_id=channel_id,
            events=[(event.kind.value, event.designation) for event in delivery.events],
            nonce=nonce,
            mention_role_id=delivery.subscription.mention_role_id,
            thread_id=delivery.target.thread_id,
        )
        self.messages.append(message)
        return message.message_id

    async def find_posted(self, delivery: Delivery, nonce: str) -> int | None:
        if not self.history_visible:
            return None
        return next((m.message_id for m in self.messages if m.nonce == nonce), None)

    def posted(self, channel_id: int | None = None) -> list[tuple[str, str]]:
        """Every event posted (to one channel), message after message."""
        return [
            event
            for m in self.messages
            if channel_id is None or m.channel_id == channel_id
            for event in m.events
        ]

    def messages_to(self, channel_id: int) -> list[Posted]:
        return [m for m in self.messages if m.channel_id == channel_id]


async def subscribe(store: Store, guild_id: int, channel_id: int, **filters: Any) -> int:
    """A subscription with these filter fields; as many per server as a test wants."""
    saved, _ = await store.save_subscription(
        NewSubscription(
            guild_id=guild_id,
            channel_id=channel_id,
            filter=AlertFilter.model_validate(filters),
            mention_role_id=None,
            created_by=5,
        ),
        max_per_guild=None,  # some tests fan out to more channels than one server may have
    )
    return saved.id


def make_watcher(
    store: Store,
    source: SummarySource,
    sender: AlertSender,
    clock: FakeClock,
    *,
    guilds: Sequence[int] = (GUILD,),
    metrics: Metrics | None = None,
    **settings: Any,
) -> AlertWatcher:
    """A watcher on the fake clock, serving ``guilds``, with a seeded jitter."""
    return AlertWatcher(
        source=source,
        store=store,
        sender=sender,
        policy=GuildPolicy(list(guilds)),
        settings=AlertsSettings(**settings),
        clock=clock.utc,
        rng=random.Random(7),
        metrics=metrics,
    )


@dataclass
class Bot:
    """One run of the bot: a store, a watcher, and their fakes. ``restart`` starts over
    on the same database file, as after a crash or a deploy."""

    url: str
    scout: FakeScout
    sender: FakeSender
    clock: FakeClock
    guilds: Sequence[int] = (GUILD,)
    store: Store | None = None
    watcher: AlertWatcher | None = None

    async def start(self) -> Bot:
        self.store = await Store.open(self.url)
        self.watcher = make_watcher(
            self.store,
            self.scout,
            self.sender,
            self.clock,
            guilds=self.guilds,
            poll_interval_seconds=60,
            jitter_seconds=5,
        )
        return self

    async def restart(self) -> None:
        assert self.store is not None
        await self.store.close()
        await self.start()

    async def cycle(self, minutes: float = 2) -> None:
        assert self.watcher is not None
        self.clock.advance(minutes=minutes)
        await self.watcher.run_cycle()

    async def subscribe(self, channel_id: int, guild_id: int = GUILD, **filters: Any) -> int:
        assert self.store is not None
        return await subscribe(self.store, guild_id, channel_id, **filters)
