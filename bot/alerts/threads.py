"""DISCORD ADAPTER: the thread of each object's alert, opened once, posted in, reopened.

A new-object alert's thread is started from the alert message, so the thread has the
message's id. Creation is exactly once: the store records the intent first
(``claim_thread``), and a claim left over from a crash is recovered by fetching the
thread with the message's id before any second try. Discord itself refuses a second
thread on one message (code 160004), which this also takes as "it exists".

A thread Discord answers 404 for is gone for good. One it answers 403 for is closed to
the bot now (a permission taken away, perhaps for a while): its posts go to the channel,
and the thread is tried again after ``BARRED_FOR``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import aiohttp
import discord

from bot.render.followup import escape
from bot.store import AlertMessage, Store, ThreadClaim, ThreadState

log = logging.getLogger(__name__)

# Discord's JSON error codes.
UNKNOWN_CHANNEL: Final = 10003
THREAD_ALREADY_CREATED: Final = 160004
# A day without posts archives the thread; a post reopens it.
AUTO_ARCHIVE_MINUTES: Final = 1440
THREAD_NAME_LIMIT: Final = 100
# How long the channel stands in for a thread that answered 403 before it is tried again.
BARRED_FOR: Final = timedelta(hours=6)

# What the bot needs to open and post in threads, with the names Discord shows.
THREAD_PERMISSIONS: Final[tuple[tuple[str, str], ...]] = (
    ("create_public_threads", "Create Public Threads"),
    ("send_messages_in_threads", "Send Messages in Threads"),
)

_NETWORK_ERRORS = (TimeoutError, aiohttp.ClientError, OSError)


def missing_thread_permissions(permissions: discord.Permissions) -> list[str]:
    return [name for attr, name in THREAD_PERMISSIONS if not getattr(permissions, attr)]


def thread_name(designation: str, neo_score: int | None, vmag: float | None) -> str:
    """``P21abcd · NEO 98 · V 20.3``: what a channel's thread list shows."""
    parts = [designation]
    if neo_score is not None:
        parts.append(f"NEO {neo_score}")
    if vmag is not None:
        parts.append(f"V {vmag:.1f}")
    return " · ".join(parts)[:THREAD_NAME_LIMIT]


class ThreadKeeper:
    """Opens, finds and posts in the threads of alert messages; never raises for Discord."""

    def __init__(self, client: discord.Client, store: Store) -> None:
        self._client = client
        self._store = store

    async def open(self, message: AlertMessage, name: str) -> int | None:
        """The thread on the alert message, created if need be; None where there is none."""
        claim = await self._store.claim_thread(message.message_id)
        if claim is ThreadClaim.EXISTS:
            return message.thread_id or message.message_id
        if claim is ThreadClaim.GONE:
            return None
        if claim is ThreadClaim.RECOVER:
            try:
                found = await self._find(message.message_id)
            except ThreadLookupFailed:
                return None  # the claim stays: the next event tries again
            except ThreadBarred:
                await self.barred(message.message_id, message.message_id)
                return None
            if found is not None:
                log.info("found thread %d left unrecorded by a crash", found)
                await self._store.thread_opened(message.message_id, found)
                return found
        return await self._create(message, name)

    async def post(
        self, message: AlertMessage, content: str, *, channel_fallback: bool = False
    ) -> bool:
        """Post in the message's thread (reopening it if archived). Where the thread was
        deleted, post in the channel instead if ``channel_fallback``. True if posted."""
        current = await self._store.alert_message(message.message_id)
        if current is not None and current.thread_state is ThreadState.OPEN:
            thread_id = current.thread_id or current.message_id
            try:
                thread = await self._thread(thread_id)
            except ThreadLookupFailed:
                return False
            except ThreadBarred:
                await self.barred(message.message_id, thread_id)
                thread = None
            else:
                if thread is None:
                    await self._store.thread_gone(message.message_id)
                    log.info(
                        "the thread of alert %d is gone: posting in its channel", message.message_id
                    )
            if thread is not None:
                try:
                    if thread.archived and not thread.locked:
                        await thread.edit(archived=False)
                    await thread.send(content, allowed_mentions=discord.AllowedMentions.none())
                    return True
                except discord.NotFound:
                    await self._store.thread_gone(message.message_id)
                except discord.Forbidden:
                    await self.barred(message.message_id, thread.id)
                except (discord.HTTPException, *_NETWORK_ERRORS) as exc:
                    log.warning("could not post in thread %d: %r", thread.id, exc)
                    return False
        if not channel_fallback:
            return False
        return await self._post_in_channel(message.channel_id, content)

    async def reopened(self, message: AlertMessage) -> discord.Thread | None:
        """The message's open thread, unarchived if need be; None (and marked gone, or
        barred for a while) if it was deleted or closed to the bot. Raises
        ``ThreadLookupFailed`` when Discord does not say."""
        thread_id = message.thread_id or message.message_id
        try:
            thread = await usable_thread(self._client, thread_id)
        except ThreadBarred:
            await self.barred(message.message_id, thread_id)
            return None
        if thread is None:
            await self._store.thread_gone(message.message_id)
        return thread

    async def barred(self, message_id: int, thread_id: int) -> None:
        """Discord answered 403 for the thread: the channel instead, for ``BARRED_FOR``."""
        log.info("thread %d is closed to the bot: its channel instead for now", thread_id)
        until = datetime.now(UTC) + BARRED_FOR
        await self._store.thread_barred(message_id, thread_id, until=until)

    async def _create(self, message: AlertMessage, name: str) -> int | None:
        channel: Any = self._client.get_channel(message.channel_id)
        if not isinstance(channel, discord.TextChannel):
            await self._store.thread_not_created(message.message_id)
            return None
        try:
            thread = await channel.get_partial_message(message.message_id).create_thread(
                name=name, auto_archive_duration=AUTO_ARCHIVE_MINUTES
            )
        except discord.HTTPException as exc:
            if exc.code == THREAD_ALREADY_CREATED:
                await self._store.thread_opened(message.message_id, message.message_id)
                return message.message_id
            if isinstance(exc, discord.NotFound):
                # The alert message itself was deleted: nothing to hang a thread on.
                await self._store.thread_gone(message.message_id)
                return None
            log.warning("could not open a thread on alert %d: %s", message.message_id, exc)
            await self._store.thread_not_created(message.message_id)
            return None
        except _NETWORK_ERRORS as exc:
            # The request may have reached Discord: keep the claim, recover next time.
            log.warning("opening a thread on alert %d: %r", message.message_id, exc)
            return None
        await self._store.thread_opened(message.message_id, thread.id)
        log.info("opened thread %d for %s", thread.id, escape(message.object.designation))
        return thread.id

    async def _find(self, thread_id: int) -> int | None:
        thread = await find_thread(self._client, thread_id)
        return None if thread is None else thread.id

    async def _thread(self, thread_id: int) -> discord.Thread | None:
        return await find_thread(self._client, thread_id)

    async def _post_in_channel(self, channel_id: int, content: str) -> bool:
        channel: Any = self._client.get_channel(channel_id)
        if channel is None:
            return False
        try:
            await channel.send(content, allowed_mentions=discord.AllowedMentions.none())
        except (discord.HTTPException, *_NETWORK_ERRORS) as exc:
            log.warning("could not post in channel %d: %r", channel_id, exc)
            return False
        return True


async def find_thread(client: discord.Client, thread_id: int) -> discord.Thread | None:
    """The thread; None where it was deleted. Raises ``ThreadBarred`` where the bot may
    not see it now (403), ``ThreadLookupFailed`` when Discord does not say (5xx, network)."""
    cached = client.get_channel(thread_id)
    if isinstance(cached, discord.Thread):
        return cached
    try:
        fetched = await client.fetch_channel(thread_id)
    except discord.NotFound:
        return None
    except discord.Forbidden as exc:
        raise ThreadBarred from exc
    except (discord.HTTPException, *_NETWORK_ERRORS) as exc:
        log.warning("could not look up thread %d: %r", thread_id, exc)
        raise ThreadLookupFailed from exc
    return fetched if isinstance(fetched, discord.Thread) else None


async def usable_thread(client: discord.Client, thread_id: int) -> discord.Thread | None:
    """The thread, unarchived if need be, to post in; None where it was deleted or is
    locked. Raises ``ThreadBarred`` where it is closed to the bot (403), and
    ``ThreadLookupFailed`` when Discord does not say."""
    thread = await find_thread(client, thread_id)
    if thread is None or not thread.archived:
        return thread
    if thread.locked:
        return None
    try:
        await thread.edit(archived=False)
    except discord.NotFound:
        return None
    except discord.Forbidden as exc:
        raise ThreadBarred from exc
    except (discord.HTTPException, *_NETWORK_ERRORS) as exc:
        raise ThreadLookupFailed from exc
    return thread


class ThreadLookupFailed(Exception):
    """Discord did not say whether the thread exists (5xx, network): try again later."""


class ThreadBarred(Exception):
    """Discord answered 403 for the thread: closed to the bot now, perhaps not for good."""
