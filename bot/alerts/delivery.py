"""Posting queued deliveries: outbox first, then post, then mark sent.

A delivery is written (``pending``) in the same transaction as the poll that found its
event. Before sending, its nonce is recorded (``posting``); after Discord answers, it is
marked ``sent`` with the message id. A crash between the send and the mark leaves it in
``posting`` with its nonce: the next round first looks for a message already posted with
that nonce, and otherwise resends with the same nonce, which Discord itself refuses to
post twice for a few minutes (``enforce_nonce``). So nothing is lost and nothing repeats.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum, auto
from typing import Protocol

from bot.guilds import GuildPolicy
from bot.store import Delivery, DeliveryState, Store

log = logging.getLogger(__name__)

# A delivery still failing after this long is given up (and says so in /alerts list): an
# alert a day late is noise, and the queue must not grow without end while Discord is down.
MAX_DELIVERY_AGE = timedelta(hours=12)


class DeliveryError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ChannelUnavailable(DeliveryError):
    """The channel is gone or forbids posting (403/404): disable the subscription."""


class DeliveryRejected(DeliveryError):
    """This one message cannot be posted (but the channel is fine): give it up."""


class DeliveryFailed(DeliveryError):
    """A failure that may pass (5xx, a timeout, a network error): try again next round."""


class AlertSender(Protocol):
    """Posts one delivery to its channel. The Discord adapter is ``discord_sender``."""

    async def send(self, delivery: Delivery, nonce: str) -> int:
        """Post the alert with this nonce; return the message id.

        Raises ``ChannelUnavailable``, ``DeliveryRejected`` or ``DeliveryFailed``.
        """
        ...

    async def find_posted(self, delivery: Delivery, nonce: str) -> int | None:
        """The id of a message already posted for this nonce, if one can be found."""
        ...


class Outcome(Enum):
    """What became of one delivery this round."""

    SENT = auto()
    RETRYING = auto()  # kept queued; its channel waits for the next round
    FAILED = auto()  # given up, the subscription stays
    DISABLED = auto()  # the channel refuses alerts: its subscription was switched off


def new_nonce() -> str:
    # Discord accepts nonces of up to 25 characters.
    return secrets.token_hex(8)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    disabled_channels: list[int] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.sent + self.retrying + self.failed

    def count(self, outcome: Outcome, channel_id: int) -> None:
        if outcome is Outcome.SENT:
            self.sent += 1
        elif outcome is Outcome.RETRYING:
            self.retrying += 1
        else:
            self.failed += 1
            if outcome is Outcome.DISABLED:
                self.disabled_channels.append(channel_id)


class Deliverer:
    def __init__(
        self,
        store: Store,
        sender: AlertSender,
        policy: GuildPolicy,
        *,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._sender = sender
        self._policy = policy
        self._clock = clock

    async def deliver_due(self) -> DeliveryReport:
        """Try every queued delivery once, oldest first; never raises for one delivery."""
        report = DeliveryReport()
        # After a channel fails, leave its later alerts for the next round so that they
        # are posted in order and a struggling channel is not hammered.
        held_back: set[int] = set()
        async for delivery in self._due(held_back):
            channel_id = delivery.subscription.channel_id
            if channel_id in held_back:
                continue
            try:
                outcome = await self._deliver_one(delivery)
            except Exception:
                log.exception(
                    "delivery %d to channel %d failed unexpectedly", delivery.id, channel_id
                )
                await self._store.mark_retry(delivery.id, "unexpected error", at=self._clock())
                outcome = Outcome.RETRYING
            report.count(outcome, channel_id)
            if outcome in (Outcome.RETRYING, Outcome.DISABLED):
                held_back.add(channel_id)
        return report

    async def _due(self, held_back: set[int]) -> AsyncIterator[Delivery]:
        """Every queued delivery, page after page: the store hands out a page at a time, and
        an event for 1000 channels must not wait a poll interval for each further page."""
        while True:
            page = [
                delivery
                for delivery in await self._store.due_deliveries()
                if delivery.subscription.channel_id not in held_back
            ]
            if not page:
                return
            for delivery in page:
                yield delivery
            # Each delivery of the page is now sent, failed or held back by its channel, so
            # the next page holds only others: this ends.

    async def _deliver_one(self, delivery: Delivery) -> Outcome:
        now = self._clock()
        subscription = delivery.subscription
        if not self._policy.allows(subscription.guild_id):
            reason = f"server {subscription.guild_id} is not in discord.allowed_guilds"
            log.warning("not posting %s: %s", delivery.event.describe(), reason)
            await self._store.mark_failed(delivery.id, reason, at=now)
            return Outcome.FAILED
        if now - delivery.created_at > MAX_DELIVERY_AGE:
            reason = f"gave up after {delivery.attempts} attempts: {delivery.reason or 'unknown'}"
            log.warning(
                "delivery %d to channel %d: %s", delivery.id, subscription.channel_id, reason
            )
            await self._store.mark_failed(delivery.id, reason, at=now)
            return Outcome.FAILED

        nonce = delivery.nonce
        try:
            if delivery.state is DeliveryState.POSTING and nonce is not None:
                # An earlier send may have reached Discord before we could record it.
                posted = await self._sender.find_posted(delivery, nonce)
                if posted is not None:
                    log.info("delivery %d was already posted as message %d", delivery.id, posted)
                    await self._store.mark_sent(delivery.id, posted, at=now)
                    return Outcome.SENT
            else:
                nonce = new_nonce()
                await self._store.mark_posting(delivery.id, nonce, at=now)
            message_id = await self._sender.send(delivery, nonce)
        except ChannelUnavailable as exc:
            log.warning(
                "channel %d (server %d) refuses alerts, disabling its subscription: %s",
                subscription.channel_id,
                subscription.guild_id,
                exc.reason,
            )
            await self._store.disable_subscription(subscription.id, exc.reason, at=now)
            return Outcome.DISABLED
        except DeliveryRejected as exc:
            log.warning("delivery %d refused by Discord: %s", delivery.id, exc.reason)
            await self._store.mark_failed(delivery.id, exc.reason, at=now)
            return Outcome.FAILED
        except DeliveryFailed as exc:
            log.info("delivery %d will be retried: %s", delivery.id, exc.reason)
            await self._store.mark_retry(delivery.id, exc.reason, at=now)
            return Outcome.RETRYING
        await self._store.mark_sent(delivery.id, message_id, at=self._clock())
        log.info(
            "posted %s to channel %d (message %d)",
            delivery.event.describe(),
            subscription.channel_id,
            message_id,
        )
        return Outcome.SENT
