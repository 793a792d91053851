"""Posting the outbox: claim, then post, then mark sent; one message per channel a round.

A poll queues, in the same transaction as its snapshot, a pending row per channel owed
events. A round takes each channel's queued rows and sends them as one message (but for a
significant new object of a busy cycle, which gets a message of its own, with its buttons
and thread): first the nonce is recorded on them (``posting``), then the message goes out,
then the rows are marked ``sent`` with its id. A crash between the send and the mark
leaves them in ``posting`` with their nonce: the next round first looks for a message
already posted with that nonce, and otherwise resends with the same nonce, which Discord
itself refuses to post twice for a few minutes (``enforce_nonce``). So nothing is lost and
nothing repeats, and a channel gets one message from a round (besides those objects).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Protocol

from bot.alerts.status import DeliveryReport, Outcome
from bot.errors import CannotSave
from bot.followup.significance import significant_new
from bot.guilds import GuildPolicy
from bot.neocp.events import EventKind, NeocpEvent
from bot.store import Delivery, DeliveryState, OutboxRow, Store

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
    """Posts one message of the outbox to its target. The Discord adapter is
    ``discord_sender``."""

    async def send(self, delivery: Delivery, nonce: str) -> int:
        """Post the message with this nonce; return its id.

        Raises ``ChannelUnavailable``, ``DeliveryRejected`` or ``DeliveryFailed``.
        """
        ...

    async def find_posted(self, delivery: Delivery, nonce: str) -> int | None:
        """The id of a message already posted for this nonce, if one can be found."""
        ...


def new_nonce() -> str:
    # Discord accepts nonces of up to 25 characters.
    return secrets.token_hex(8)


TargetKey = tuple[int, int | None]  # channel, thread


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
        # Targets that got their message since the last poll: a retry round between two
        # polls must not send them a second one.
        self._served: set[TargetKey] = set()
        self._polled = False

    def new_cycle(self) -> None:
        """A poll has run: from the next round on, every target may get one message again."""
        self._polled = True

    async def deliver_due(self) -> DeliveryReport:
        """Send each target's queued rows as one message, oldest target first; never raises
        for one message."""
        if self._polled:
            self._polled = False
            self._served.clear()
        report = DeliveryReport()
        events: dict[int, NeocpEvent] = {}  # read once a round, however many channels
        async for rows in self._by_target():
            for delivery in await self._prepare(rows, events):
                await self._deliver_counted(delivery, report)
        return report

    async def _deliver_counted(self, delivery: Delivery, report: DeliveryReport) -> None:
        channel_id = delivery.target.channel_id
        try:
            outcome = await self._deliver_one(delivery)
        except CannotSave:
            raise  # nothing can be recorded: the round stops, the outbox stays as it is
        except Exception:
            log.exception("message %d to channel %d failed unexpectedly", delivery.id, channel_id)
            await self._store.mark_retry(delivery.row_ids, "unexpected error", at=self._clock())
            outcome = Outcome.RETRYING
        report.count(outcome, channel_id)
        if outcome is Outcome.SENT:
            self._served.add((channel_id, delivery.target.thread_id))

    async def _by_target(self) -> AsyncIterator[list[OutboxRow]]:
        """Each target's queued rows, read a page at a time; a target whose rows span pages
        gets the rest next round (one message a round)."""
        seen: set[TargetKey] = set(self._served)
        after_id = 0
        while True:
            # Small pages: reading one is work the event loop does in one stretch.
            page = await self._store.due_messages(after_id=after_id, limit=100)
            if page.last_id is None:
                return
            after_id = page.last_id
            grouped: dict[TargetKey, list[OutboxRow]] = {}
            for row in page.rows:
                key = (row.target.channel_id, row.target.thread_id)
                if key not in seen:
                    grouped.setdefault(key, []).append(row)
            seen.update(grouped)
            for rows in grouped.values():
                yield rows

    async def _prepare(
        self, rows: list[OutboxRow], events: dict[int, NeocpEvent]
    ) -> list[Delivery]:
        """The messages this round sends to the rows' target: an interrupted one (same
        nonce) alone, else everything pending, claimed with new nonces: one message, but
        for a significant new object, which has a row (and a message) of its own."""
        interrupted = [row for row in rows if row.state is DeliveryState.POSTING]
        if interrupted:
            nonce = interrupted[0].nonce
            chosen = [row for row in interrupted if row.nonce == nonce]
            await self._read_events(chosen, events)
            return [_delivery(chosen, events, nonce)]
        await self._read_events(rows, events)
        return [_delivery(group, events, None) for group in _alone_first(rows, events)]

    async def _read_events(self, rows: list[OutboxRow], events: dict[int, NeocpEvent]) -> None:
        missing = {i for row in rows for i in row.event_ids if i not in events}
        if missing:
            events.update(await self._store.events(missing))

    async def _deliver_one(self, delivery: Delivery) -> Outcome:
        now = self._clock()
        subscription = delivery.subscription
        channel_id = delivery.target.channel_id
        if not self._policy.allows(subscription.guild_id):
            reason = f"server {subscription.guild_id} is not in discord.allowed_guilds"
            log.warning("not posting message %d: %s", delivery.id, reason)
            await self._store.mark_failed(delivery.row_ids, reason, at=now)
            return Outcome.FAILED
        if now - delivery.created_at > MAX_DELIVERY_AGE:
            reason = f"gave up after {delivery.attempts} attempts: {delivery.reason or 'unknown'}"
            log.warning("message %d to channel %d: %s", delivery.id, channel_id, reason)
            await self._store.mark_failed(delivery.row_ids, reason, at=now)
            return Outcome.FAILED
        if not delivery.events:
            reason = "its stored events cannot be read"
            log.warning("message %d to channel %d: %s", delivery.id, channel_id, reason)
            await self._store.mark_failed(delivery.row_ids, reason, at=now)
            return Outcome.FAILED

        nonce = delivery.nonce
        try:
            if delivery.state is DeliveryState.POSTING and nonce is not None:
                taken = await self._store.resume(
                    delivery.row_ids, nonce, seen_at=delivery.touched_at, at=now
                )
                if not taken:
                    return Outcome.RETRYING  # another poster took them meanwhile
                delivery = delivery.model_copy(update={"row_ids": tuple(taken)})
                # An earlier send may have reached Discord before we could record it.
                posted = await self._sender.find_posted(delivery, nonce)
                if posted is not None:
                    log.info("message %d was already posted as %d", delivery.id, posted)
                    await self._store.mark_sent(delivery.row_ids, posted, at=now)
                    return Outcome.SENT
            else:
                nonce = new_nonce()
                claimed = await self._store.claim(delivery.row_ids, nonce, at=now)
                if not claimed:
                    return Outcome.RETRYING  # taken meanwhile (unsubscribed, disabled)
                delivery = delivery.model_copy(update={"row_ids": tuple(claimed), "nonce": nonce})
            message_id = await self._sender.send(delivery, nonce)
        except ChannelUnavailable as exc:
            log.warning(
                "channel %d (server %d) refuses alerts, disabling its subscription: %s",
                channel_id,
                subscription.guild_id,
                exc.reason,
            )
            await self._store.disable_subscription(subscription.id, exc.reason, at=now)
            return Outcome.DISABLED
        except DeliveryRejected as exc:
            log.warning("message %d refused by Discord: %s", delivery.id, exc.reason)
            await self._store.mark_failed(delivery.row_ids, exc.reason, at=now)
            return Outcome.FAILED
        except DeliveryFailed as exc:
            log.info("message %d will be retried: %s", delivery.id, exc.reason)
            await self._store.mark_retry(delivery.row_ids, exc.reason, at=now)
            return Outcome.RETRYING
        await self._store.mark_sent(delivery.row_ids, message_id, at=self._clock())
        log.info(
            "posted %d events to channel %d (message %d)",
            len(delivery.events),
            channel_id,
            message_id,
        )
        return Outcome.SENT


def _alone_first(rows: list[OutboxRow], events: dict[int, NeocpEvent]) -> list[list[OutboxRow]]:
    """The rows of one target in messages: each significant new object alone, first (the
    queue gave it rows of its own so that it gets its buttons and thread at once, even on
    a busy cycle; subscriptions sharing the channel share its message), then the rest."""
    alone: dict[int, list[OutboxRow]] = {}
    rest: list[OutboxRow] = []
    for row in rows:
        if len(row.event_ids) == 1 and _significant_new_event(events.get(row.event_ids[0])):
            alone.setdefault(row.event_ids[0], []).append(row)
        else:
            rest.append(row)
    return [*alone.values(), *([rest] if rest else [])]


def _significant_new_event(event: NeocpEvent | None) -> bool:
    return event is not None and event.kind is EventKind.NEW and significant_new(event.object)


def _delivery(rows: list[OutboxRow], events: dict[int, NeocpEvent], nonce: str | None) -> Delivery:
    """One message: the rows' events, in order, to their (shared) target."""
    first = rows[0]
    return Delivery(
        row_ids=tuple(row.id for row in rows),
        state=first.state,
        nonce=nonce,
        attempts=max(row.attempts for row in rows),
        created_at=min(row.created_at for row in rows),
        touched_at=first.touched_at,
        reason=first.reason,
        subscription=first.subscription,
        target=first.target,
        events=tuple(events[i] for row in rows for i in row.event_ids if i in events),
    )
