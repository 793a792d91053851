"""DISCORD ADAPTER: turns a queued delivery into ``channel.send`` and Discord's errors into
the delivery outcomes the core understands. The only module of ``bot.alerts`` that imports
discord.py; the watcher and the outbox logic stay testable without it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import aiohttp
import discord

from bot.alerts.delivery import (
    ChannelUnavailable,
    DeliveryError,
    DeliveryFailed,
    DeliveryRejected,
)
from bot.followup import ObjectKey
from bot.guilds import GuildPolicy
from bot.neocp.events import EventKind
from bot.render.alerts import alert_content, reference_text
from bot.render.digest import delivery_embed
from bot.render.followup import status_view
from bot.render.safe import clamp_content, clamp_embed
from bot.store.models import Delivery

log = logging.getLogger(__name__)

# Discord's JSON error code for a channel that does not exist (any more).
UNKNOWN_CHANNEL = 10003
# How far back to look for an alert a crash may have left unrecorded.
HISTORY_LIMIT = 100
HISTORY_SLACK = timedelta(minutes=5)

# What the bot needs in a channel to post alerts, with the names Discord shows.
REQUIRED_PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
)
MENTION_PERMISSION = ("mention_everyone", "Mention @everyone, @here and All Roles")

_NETWORK_ERRORS = (TimeoutError, aiohttp.ClientError, OSError)

PostableChannel = discord.TextChannel | discord.Thread | discord.VoiceChannel | discord.StageChannel


def allowed_mentions_for(role_id: int | None) -> discord.AllowedMentions:
    """Only the subscription's role may be pinged; without one, no one at all."""
    if role_id is None:
        return discord.AllowedMentions.none()
    return discord.AllowedMentions(
        everyone=False, users=False, roles=[discord.Object(id=role_id)], replied_user=False
    )


def missing_permissions(
    permissions: discord.Permissions, *, role: discord.Role | None = None
) -> list[str]:
    """What the bot lacks to post alerts (and ping ``role``) with these permissions."""
    missing = [name for attr, name in REQUIRED_PERMISSIONS if not getattr(permissions, attr)]
    if role is not None and not role.mentionable and not permissions.mention_everyone:
        missing.append(MENTION_PERMISSION[1])
    return missing


def classify_http_error(exc: discord.HTTPException) -> DeliveryError:
    """Discord's answer as a delivery outcome: channel unusable, give up, or retry."""
    reason = _describe(exc)
    if isinstance(exc, discord.Forbidden):
        return ChannelUnavailable(reason)
    if isinstance(exc, discord.NotFound):
        if exc.code == UNKNOWN_CHANNEL:
            return ChannelUnavailable(reason)
        # For example: a resend whose first message a moderator has just deleted.
        return DeliveryRejected(reason)
    if exc.status >= 500 or exc.status == 429:
        return DeliveryFailed(reason)
    # Any other 4xx will not pass by retrying (it is our bug, e.g. an embed too long).
    return DeliveryRejected(reason)


@contextmanager
def delivery_errors(
    classify: Callable[[discord.HTTPException], DeliveryError] = classify_http_error,
) -> Iterator[None]:
    """Turn Discord's HTTP errors and network failures into delivery outcomes (as httpx's
    ``map_exceptions`` does for its transports)."""
    try:
        yield
    except discord.HTTPException as exc:
        raise classify(exc) from exc
    except _NETWORK_ERRORS as exc:
        raise DeliveryFailed(f"network error: {type(exc).__name__}") from exc


def _retry_later(exc: discord.HTTPException) -> DeliveryError:
    return DeliveryFailed(_describe(exc))


def _describe(exc: discord.HTTPException) -> str:
    text = str(exc).strip() or f"HTTP {exc.status}"
    return text if len(text) <= 200 else text[:199] + "…"


class DiscordSender:
    """Posts alert embeds; ``find_posted`` looks for one a crash left unrecorded."""

    def __init__(self, client: discord.Client, policy: GuildPolicy) -> None:
        self._client = client
        self._policy = policy

    async def send(self, delivery: Delivery, nonce: str) -> int:
        channel = await self._channel(delivery)
        role_id = delivery.subscription.mention_role_id
        with delivery_errors():
            # discord.py sends ``enforce_nonce`` with a nonce: Discord answers a resend
            # within a few minutes with the message it already posted, not a second one.
            message = await channel.send(
                content=clamp_content(alert_content(role_id)),
                embed=clamp_embed(delivery_embed(delivery.events, reference=nonce)),
                allowed_mentions=allowed_mentions_for(role_id),
                nonce=nonce,
                view=followup_buttons(delivery) or discord.utils.MISSING,
            )
        return message.id

    async def find_posted(self, delivery: Delivery, nonce: str) -> int | None:
        channel = await self._channel(delivery)
        me = self._client.user
        if me is None:
            return None
        marker = reference_text(nonce)
        # Any failure to look is worth another round, whatever it would mean for a send.
        with delivery_errors(classify=_retry_later):
            try:
                async for message in channel.history(
                    limit=HISTORY_LIMIT, after=delivery.created_at - HISTORY_SLACK
                ):
                    if message.author.id == me.id and _carries(message, nonce, marker):
                        return message.id
            except discord.Forbidden:
                # Without Read Message History the resend's nonce is the only guard.
                log.info("cannot read channel %d's history to look for alert %s", channel.id, nonce)
        return None

    async def _channel(self, delivery: Delivery) -> PostableChannel:
        """The message's target: the subscription's channel, or a thread in it."""
        subscription = delivery.subscription
        target_id = delivery.target.thread_id or delivery.target.channel_id
        channel: Any = self._client.get_channel(target_id)
        if channel is None:
            with delivery_errors():
                channel = await self._client.fetch_channel(target_id)
        if not isinstance(channel, PostableChannel):
            raise ChannelUnavailable("the channel is not one the bot can post in")
        # Trust Discord's idea of the channel's server, not only what the store says.
        if channel.guild.id != subscription.guild_id or not self._policy.allows(channel.guild.id):
            raise DeliveryRejected(f"channel is in server {channel.guild.id}, which is not served")
        me = channel.guild.me
        if me is not None:
            # Checked here for a precise reason; Discord would answer 403 anyway. (A role
            # that became unmentionable is not a reason to stop: the alert goes unpinged.)
            missing = missing_permissions(channel.permissions_for(me))
            if missing:
                raise ChannelUnavailable(f"the bot lacks {', '.join(missing)} there")
        return channel


def followup_buttons(delivery: Delivery) -> discord.ui.View | None:
    """A new object's alert carries the team's status buttons; other events none, and a
    digest of several events none (its objects' buttons are a `/scout object` away)."""
    if len(delivery.events) != 1:
        return None
    (event,) = delivery.events
    if event.kind is not EventKind.NEW:
        return None
    key = ObjectKey(designation=event.designation, first_seen=event.first_seen)
    return status_view(key, None)


def _carries(message: discord.Message, nonce: str, marker: str) -> bool:
    if message.nonce is not None and str(message.nonce) == nonce:
        return True
    return any(marker in (embed.footer.text or "") for embed in message.embeds)
