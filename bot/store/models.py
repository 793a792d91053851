"""The records the store keeps: subscriptions, the snapshot, and the outbox of deliveries."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.neocp.events import NeocpEvent, TrackedObject
from bot.neocp.filters import AlertFilter


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class SubscriptionState(StrEnum):
    ACTIVE = "active"
    # Discord said the channel is gone or forbids posting; a new /alerts subscribe
    # in that channel turns it back on.
    DISABLED = "disabled"


class NewSubscription(_Frozen):
    """What /alerts subscribe asks for."""

    guild_id: int
    channel_id: int
    filter: AlertFilter
    mention_role_id: int | None = None
    created_by: int


class Subscription(_Frozen):
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


class Delivery(_Frozen):
    """One event for one subscription's channel: a row of the outbox."""

    id: int
    state: DeliveryState
    nonce: str | None
    attempts: int
    created_at: datetime
    reason: str | None
    event: NeocpEvent
    subscription: Subscription


class Snapshot(_Frozen):
    """The objects the watcher tracks; ``initialised`` once a first poll was recorded."""

    initialised: bool
    objects: tuple[TrackedObject, ...] = ()


class OutboxCounts(_Frozen):
    pending: int = 0  # pending or posting
    sent: int = 0
    failed: int = 0
