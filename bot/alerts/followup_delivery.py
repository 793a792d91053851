"""DISCORD ADAPTER: follow-up around alert delivery. A new object's alert gets the status
buttons and, where the channel wants threads and the bot may open them, a thread; the
object's later events go into that thread, with a line in the channel only when
significant.

Never fails a delivery for follow-up's sake: the alert itself matters more than its
thread, and a thread missed here opens at the first status press.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Final

import discord

from bot.alerts.threads import ThreadKeeper, missing_thread_permissions, thread_name
from bot.followup import ObjectKey
from bot.followup.significance import channel_line_reason, significant_new
from bot.neocp.events import EventKind, NeocpEvent
from bot.render.followup import digest_followup_view, escape, status_view
from bot.store import AlertMessage, Store, ThreadState
from bot.store.models import Delivery

log = logging.getLogger(__name__)

# A busy night: once this many threads opened in a channel within the window, a new
# object gets a thread at once only if it passes the significance bar (the others get one
# when someone presses a status). Discord caps a server's active threads (1000).
BUSY_THREADS: Final = 3
BUSY_WINDOW: Final = timedelta(minutes=30)


def _now() -> datetime:
    return datetime.now(UTC)


def single_event(delivery: Delivery, *, new: bool) -> NeocpEvent | None:
    """The message's one event, if it carries one (a digest of several goes to the channel,
    with a menu of its new objects) and it is a new object (``new``) or a later event."""
    if len(delivery.events) != 1:
        return None
    (event,) = delivery.events
    return event if (event.kind is EventKind.NEW) == new else None


def event_key(event: NeocpEvent) -> ObjectKey:
    return ObjectKey(designation=event.designation, first_seen=event.first_seen)


class AlertFollowup:
    def __init__(
        self, client: discord.Client, store: Store, *, clock: Callable[[], datetime] = _now
    ) -> None:
        self._client = client
        self._store = store
        self._clock = clock
        self.threads = ThreadKeeper(client, store)
        self._opened: dict[int, deque[datetime]] = {}

    async def buttons(self, delivery: Delivery) -> discord.ui.View | None:
        """The status buttons of a new object's alert; a digest's "Record follow-up for…"
        menu of its new objects; None for a single update or removal."""
        event = single_event(delivery, new=True)
        if event is None and len(delivery.events) < 2:
            return None
        settings = await self._store.channel_followup(delivery.subscription.channel_id)
        if event is not None:
            return status_view(event_key(event), settings.press_role_id)
        return digest_followup_view(delivery.events, settings.press_role_id)

    async def after_new(self, delivery: Delivery, message_id: int) -> None:
        """Remember the posted alert and open its thread where that is wanted and allowed."""
        event = single_event(delivery, new=True)
        if event is None or delivery.target.thread_id is not None:
            return
        subscription = delivery.subscription
        try:
            alert = await self._store.remember_alert_message(
                guild_id=subscription.guild_id,
                channel_id=subscription.channel_id,
                message_id=message_id,
                key=event_key(event),
            )
            if await self._wants_thread(delivery, event):
                obj = event.object
                name = thread_name(obj.designation, obj.neo_score, obj.vmag)
                if await self.threads.open(alert, name) is not None:
                    self._opened.setdefault(subscription.channel_id, deque()).append(self._clock())
        except Exception:
            log.exception("follow-up of alert %d failed; its thread waits for a press", message_id)

    async def _wants_thread(self, delivery: Delivery, event: NeocpEvent) -> bool:
        channel_id = delivery.subscription.channel_id
        if not (await self._store.channel_followup(channel_id)).threads:
            return False
        channel = self._client.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            return False
        missing = missing_thread_permissions(channel.permissions_for(channel.guild.me))
        if missing:
            log.info("no thread in channel %d: the bot lacks %s", channel_id, ", ".join(missing))
            return False
        if self._busy(channel_id) and not significant_new(event.object):
            log.info(
                "busy night in channel %d: %s gets a thread when someone presses a status",
                channel_id,
                event.designation,
            )
            return False
        return True

    def _busy(self, channel_id: int) -> bool:
        recent = self._opened.get(channel_id)
        if not recent:
            return False
        horizon = self._clock() - BUSY_WINDOW
        while recent and recent[0] < horizon:
            recent.popleft()
        return len(recent) >= BUSY_THREADS

    async def thread_of(self, delivery: Delivery) -> discord.Thread | None:
        """For an update or removal: the open thread of the object's alert in the channel,
        reopened if archived. None: post in the channel (no thread, or it was deleted)."""
        event = single_event(delivery, new=False)
        if event is None or delivery.target.thread_id is not None:
            return None
        subscription = delivery.subscription
        alerts = await self._store.alert_messages(subscription.guild_id, event_key(event))
        alert = next(
            (
                a
                for a in alerts
                if a.channel_id == subscription.channel_id and a.thread_state is ThreadState.OPEN
            ),
            None,
        )
        return None if alert is None else await self._usable(alert)

    async def _usable(self, alert: AlertMessage) -> discord.Thread | None:
        thread = await self.threads.reopened(alert)
        if thread is None:
            log.info(
                "the thread of %s is gone: its events go to the channel",
                escape(alert.object.designation),
            )
        return thread

    async def thread_deleted(self, thread_id: int) -> None:
        """Discord says the thread is gone (it has its alert message's id)."""
        await self._store.thread_gone(thread_id)

    @staticmethod
    def channel_line(delivery: Delivery, thread: discord.Thread) -> str | None:
        """The channel's line for a significant update that went into the thread."""
        event = single_event(delivery, new=False)
        reason = None if event is None else channel_line_reason(event)
        if event is None or reason is None:
            return None
        return f"⬆️ {escape(event.designation)}: {reason}. Details in {thread.mention}."
