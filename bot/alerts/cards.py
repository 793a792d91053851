"""DISCORD ADAPTER: the alert "card" of an object first listed in a digest.

A digest lists many objects in one message, which can carry one thread at most. When the
team acts on one of its objects (a status pressed from the digest's menu), or the object
passes the significance bar, the object gets its own alert in the channel: the card, with
the status buttons, the team's status and the object's thread, exactly as a single alert
has. One card per object and channel: a lock within the process, the store's record of
alert messages, and a nonce fixed by channel and object (Discord answers a second post
with that nonce, within minutes, with the first) keep a burst of presses or a crash from
posting two.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import Final

import aiohttp
import discord

from bot.followup import ObjectKey
from bot.render.followup import card_embed, escape, status_view
from bot.scout.models import ScoutObject
from bot.store import AlertMessage, Store

log = logging.getLogger(__name__)

CARD_NONCE_PREFIX: Final = "c"
_NETWORK_ERRORS = (TimeoutError, aiohttp.ClientError, OSError)
# Presses are rare and a card is two quick requests: one lock for all of them is enough.
_posting = asyncio.Lock()


def card_nonce(channel_id: int, key: ObjectKey) -> str:
    """The same for every try at one object's card in one channel (Discord allows 25)."""
    seed = f"{channel_id}:{key.designation}:{key.first_seen.isoformat()}"
    return CARD_NONCE_PREFIX + hashlib.sha256(seed.encode()).hexdigest()[:20]


async def card_in(
    store: Store,
    channel: discord.TextChannel,
    key: ObjectKey,
    obj: ScoutObject,
) -> AlertMessage | None:
    """The object's alert message in the channel: the one there is, else a new card.
    None when Discord refused the card (the press is recorded all the same)."""
    guild_id = channel.guild.id
    async with _posting:
        for alert in await store.alert_messages(guild_id, key):
            if alert.channel_id == channel.id:
                return alert
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
            return None
        log.info("posted the card of %s in channel %d", escape(key.designation), channel.id)
        return await store.remember_alert_message(
            guild_id=guild_id, channel_id=channel.id, message_id=posted.id, key=key
        )
