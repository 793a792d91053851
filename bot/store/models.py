"""The records the store keeps: subscriptions, the snapshot, and the outbox of deliveries."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.neocp.events import NeocpEvent, TrackedObject
from bot.neocp.filters import AlertFilter


class StoredRecord(BaseModel):
    """A row as the store hands it out: a value, not a live object (changes go through
    the store)."""

    model_config = ConfigDict(frozen=True)


class SubscriptionState(StrEnum):
    ACTIVE = "active"
    # Discord said the channel is gone or forbids posting; a new /alerts subscribe
    # in that channel turns it back on.
    DISABLED = "disabled"


class NewSubscription(StoredRecord):
    """What /alerts subscribe asks for."""

    guild_id: int
    channel_id: int
    filter: AlertFilter
    mention_role_id: int | None = None
    created_by: int


class Subscription(StoredRecord):
    id: int
    guild_id: int
    channel_id: int
    filter: AlertFilter
    mention_role_id: int | None
    created_by: int
    created_at: datetime
    state: SubscriptionState
    last_failure: str | None = None
    last_failure_at: datetime | None = None
    last_delivery_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.state is SubscriptionState.ACTIVE


class DeliveryState(StrEnum):
    PENDING = "pending"  # written, nothing sent yet
    # A send was started with ``nonce``; it may have reached Discord. Resending with the
    # same nonce (or finding the message by it) never posts twice.
    POSTING = "posting"
    SENT = "sent"
    FAILED = "failed"  # given up, with the reason


class Target(StoredRecord):
    """Where a message goes: a channel, or a thread in it."""

    guild_id: int
    channel_id: int
    thread_id: int | None = None


class OutboxRow(StoredRecord):
    """One queued message of the outbox: a digest of events owed to one target."""

    id: int
    state: DeliveryState
    nonce: str | None
    attempts: int
    reason: str | None
    created_at: datetime
    touched_at: datetime | None = None  # its last change (None: never tried)
    event_ids: tuple[int, ...]
    subscription: Subscription
    target: Target


class Delivery(StoredRecord):
    """What one Discord message carries: the outbox rows it settles and their events, in
    the order they were found."""

    row_ids: tuple[int, ...]
    state: DeliveryState
    nonce: str | None
    attempts: int
    created_at: datetime  # of the oldest row
    touched_at: datetime | None = None  # the rows' last change, as read
    reason: str | None
    subscription: Subscription
    target: Target
    events: tuple[NeocpEvent, ...]

    @property
    def id(self) -> int:
        """The first row's id, to name the delivery in logs."""
        return self.row_ids[0]


class Snapshot(StoredRecord):
    """The objects the watcher tracks; ``initialised`` once a first poll was recorded."""

    initialised: bool
    objects: tuple[TrackedObject, ...] = ()


class OutboxCounts(StoredRecord):
    """Messages of the outbox by state."""

    pending: int = 0  # pending or posting
    sent: int = 0
    failed: int = 0
