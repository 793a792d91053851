"""DISCORD ADAPTER: the follow-up card of an object first listed in a digest.

A digest lists many objects in one message, which can carry one thread at most. When the
team acts on one of its objects (a status pressed from the digest's menu), the object
gets its own message in the channel: the card, with the status buttons, the team's
status and the object's thread, as a single alert has. (An object that passes the
significance bar gets its own alert from the outbox instead, at once.)

One card per object and channel, whichever instance takes the press: the right to post
is claimed in the store first (``bot.store.cards``). A press that loses the claim waits a
moment for the winner's card; a claim left incomplete by a crash is taken over after
``STALE_CLAIM``, and the channel's recent messages are searched for the card (its nonce or
footer) before it is posted again; where Discord does not say what the channel holds, it is
not posted (a later press looks again).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Final

import aiohttp
import discord

from bot.alerts.discord_sender import carries_nonce
from bot.followup import ObjectKey
from bot.render.followup import card_embed, escape, status_view
from bot.scout.models import ScoutObject
from bot.store import AlertMessage, Store

log = logging.getLogger(__name__)

CARD_NONCE_PREFIX: Final = "c"
# How long a press that lost the claim waits for the winner's card, and how often it looks.
CARD_WAIT: Final = timedelta(seconds=5)
CARD_WAIT_STEP_SECONDS: Final = 0.25
# A claim this old without its card was left by a crash (posting takes a second or two).
STALE_CLAIM: Final = timedelta(seconds=60)
HISTORY_LIMIT: Final = 50
_NETWORK_ERRORS = (TimeoutError, aiohttp.ClientError, OSError)


class HistoryUnreadable(Exception):
    """Discord did not say what the channel holds (5xx, network): posting again could
    post a second card."""


def _now() -> datetime:
    return datetime.now(UTC)


def card_nonce(channel_id: int, key: ObjectKey) -> str:
    """The same for every try at one object's card in one channel (Discord allows 25)."""
    seed = f"{channel_id}:{key.designation}:{key.first_seen.isoformat()}"
    return CARD_NONCE_PREFIX + hashlib.sha256(seed.encode()).hexdigest()[:20]


async def card_in(
    store: Store,
    channel: discord.TextChannel,
    key: ObjectKey,
    obj: ScoutObject,
    *,
    clock: Callable[[], datetime] = _now,
) -> AlertMessage | None:
    """The object's alert message in the channel: the one there is, else a new card.
    None when there is none yet (Discord refused it, or another instance is posting it):
    the press is recorded all the same."""
    found = await _recorded(store, channel, key)
    if found is not None:
        return found
    claim = await store.claim_card(channel.guild.id, channel.id, key, at=clock())
    if claim.won:
        return await _post(store, channel, key, obj)
    found = await _wait_for_card(store, channel, key)
    if found is not None:
        return found
    if clock() - claim.claimed_at < STALE_CLAIM:
        log.info("the card of %s is being posted elsewhere", escape(key.designation))
        return None
    if not await store.take_over_card(channel.id, key, claim.claimed_at, at=clock()):
        return await _recorded(store, channel, key)
    log.info("taking over the card of %s, left unposted", escape(key.designation))
    try:
        posted = await _find_posted(channel, card_nonce(channel.id, key))
    except HistoryUnreadable:
        return None  # the claim stays: a later press looks again
    if posted is not None:
        return await _remember(store, channel, key, posted)
    return await _post(store, channel, key, obj)


async def _recorded(
    store: Store, channel: discord.TextChannel, key: ObjectKey
) -> AlertMessage | None:
    for alert in await store.alert_messages(channel.guild.id, key):
        if alert.channel_id == channel.id:
            return alert
    return None


async def _wait_for_card(
    store: Store, channel: discord.TextChannel, key: ObjectKey
) -> AlertMessage | None:
    for _ in range(int(CARD_WAIT.total_seconds() / CARD_WAIT_STEP_SECONDS)):
        await asyncio.sleep(CARD_WAIT_STEP_SECONDS)
        found = await _recorded(store, channel, key)
        if found is not None:
            return found
    return None


async def _post(
    store: Store, channel: discord.TextChannel, key: ObjectKey, obj: ScoutObject
) -> AlertMessage | None:
    settings = await store.channel_followup(channel.id)
    nonce = card_nonce(channel.id, key)
    try:
        posted = await channel.send(
            embed=card_embed(key, obj, reference=nonce),
            view=status_view(key, settings.press_role_id),
            nonce=nonce,
            allowed_mentions=discord.AllowedMentions.none(),
        )
    except (discord.HTTPException, *_NETWORK_ERRORS) as exc:
        log.warning("could not post the card of %s: %r", escape(key.designation), exc)
        if isinstance(exc, discord.HTTPException):
            # Refused, so not posted: a later press may try again. (A network error may
            # have posted it: the claim stays, to be taken over with a search.)
            await store.release_card(channel.id, key)
        return None
    log.info("posted the card of %s in channel %d", escape(key.designation), channel.id)
    return await _remember(store, channel, key, posted.id)


async def _remember(
    store: Store, channel: discord.TextChannel, key: ObjectKey, message_id: int
) -> AlertMessage:
    alert = await store.remember_alert_message(
        guild_id=channel.guild.id, channel_id=channel.id, message_id=message_id, key=key
    )
    await store.card_posted(channel.id, key, message_id)
    return alert


async def _find_posted(channel: discord.TextChannel, nonce: str) -> int | None:
    """The card a crashed try may have posted: the bot's message with its nonce or
    reference among the channel's recent ones. Raises ``HistoryUnreadable`` when Discord
    does not answer; without Read Message History the nonce is the guard left."""
    me = channel.guild.me
    try:
        async for message in channel.history(limit=HISTORY_LIMIT):
            if me is not None and message.author.id != me.id:
                continue
            if carries_nonce(message, nonce):
                return message.id
    except discord.Forbidden:
        log.info("cannot read channel %d's history to look for a card", channel.id)
    except (discord.HTTPException, *_NETWORK_ERRORS) as exc:
        log.warning("could not read channel %d's history for a card: %r", channel.id, exc)
        raise HistoryUnreadable from exc
    return None
