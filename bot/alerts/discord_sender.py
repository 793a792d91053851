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
from bot.alerts.followup_delivery import AlertFollowup
from bot.alerts.sites import SiteLines
from bot.alerts.threads import ThreadBarred, ThreadLookupFailed, usable_thread
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

# The channel line of a significant update carries the delivery's nonce and this mark, so
# that a resend after a crash is refused by Discord as the thread post is.
LINE_NONCE_SUFFIX = "L"

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

    def __init__(
        self,
        client: discord.Client,
        policy: GuildPolicy,
        *,
        followup: AlertFollowup | None = None,
        sites: SiteLines | None = None,
    ) -> None:
        self._client = client
        self._policy = policy
        # Status buttons, a thread per object, and later events into it (issue 14).
        self._followup = followup
        self._sites = sites  # the site line of subscriptions with a site (issue 13)

    async def send(self, delivery: Delivery, nonce: str) -> int:
        channel = await self._channel(delivery)
        thread = await self._object_thread(delivery)
        if thread is not None:
            posted = await self._send_in_thread(delivery, nonce, channel, thread)
            if posted is not None:
                return posted
        # No thread, or it is gone or closed to the bot: the channel gets the message (the
        # channel, not a thread, decides whether the subscription goes on).
        delivery = in_channel(delivery)
        role_id = delivery.subscription.mention_role_id
        if self._followup is not None:
            view = await self._followup.buttons(delivery)
        else:
            view = followup_buttons(delivery)
        figures = {} if self._sites is None else await self._sites.figures(delivery)
        with delivery_errors():
            # discord.py sends ``enforce_nonce`` with a nonce: Discord answers a resend
            # within a few minutes with the message it already posted, not a second one.
            message = await channel.send(
                content=clamp_content(alert_content(role_id)),
                embed=clamp_embed(
                    delivery_embed(delivery.events, reference=nonce, site_figures=figures)
                ),
                allowed_mentions=allowed_mentions_for(role_id),
                nonce=nonce,
                view=view or discord.utils.MISSING,
            )
        if self._followup is not None:
            await self._followup.after_new(delivery, message.id)
        return message.id

    async def _object_thread(self, delivery: Delivery) -> discord.Thread | None:
        """The thread the message goes into: the one it was queued for, else (for a single
        update or removal) the object's open thread in the channel, if any."""
        if delivery.target.thread_id is not None:
            return await self._target_thread(delivery)
        if self._followup is None:
            return None
        try:
            return await self._followup.thread_of(delivery)
        except ThreadLookupFailed as exc:
            raise DeliveryFailed("Discord did not say whether the object's thread exists") from exc

    async def _target_thread(self, delivery: Delivery) -> discord.Thread | None:
        """The thread a message was queued for, reopened if archived; None where it is
        gone or the bot may not see it."""
        thread_id = delivery.target.thread_id
        if thread_id is None:
            return None
        try:
            thread = await usable_thread(self._client, thread_id)
        except ThreadLookupFailed as exc:
            raise DeliveryFailed("Discord did not say whether the object's thread exists") from exc
        except ThreadBarred:
            await self._thread_barred(thread_id)  # logged where it is barred
            return None
        if thread is None:
            log.info("thread %d is gone: posting in its channel", thread_id)
            await self._thread_gone(thread_id)
        return thread

    async def _send_in_thread(
        self, delivery: Delivery, nonce: str, channel: PostableChannel, thread: discord.Thread
    ) -> int | None:
        """An update or removal into the object's thread, and a line in the channel when it
        is significant. None: the thread is gone or closed to the bot; use the channel."""
        role_id = delivery.subscription.mention_role_id
        line = AlertFollowup.channel_line(delivery, thread)
        with delivery_errors():
            if line is not None:
                mention = alert_content(role_id)
                await channel.send(
                    content=clamp_content(f"{mention} {line}" if mention else line),
                    allowed_mentions=allowed_mentions_for(role_id),
                    nonce=nonce + LINE_NONCE_SUFFIX,
                )
            figures = {} if self._sites is None else await self._sites.figures(delivery)
            try:
                message = await thread.send(
                    embed=clamp_embed(
                        delivery_embed(delivery.events, reference=nonce, site_figures=figures)
                    ),
                    allowed_mentions=discord.AllowedMentions.none(),
                    nonce=nonce,
                )
            except (discord.NotFound, discord.Forbidden) as exc:
                log.info("cannot post in thread %d (%s): posting in its channel", thread.id, exc)
                if isinstance(exc, discord.NotFound):
                    await self._thread_gone(thread.id)
                else:
                    await self._thread_barred(thread.id)
                return None
        return message.id

    async def _thread_gone(self, thread_id: int) -> None:
        if self._followup is not None:
            await self._followup.thread_deleted(thread_id)

    async def _thread_barred(self, thread_id: int) -> None:
        if self._followup is not None:
            await self._followup.threads.barred(thread_id, thread_id)

    async def find_posted(self, delivery: Delivery, nonce: str) -> int | None:
        channel = await self._channel(delivery)
        me = self._client.user
        if me is None:
            return None
        places: list[PostableChannel] = [channel]
        thread = await self._object_thread(delivery)
        if thread is not None:
            places.insert(0, thread)
        # Any failure to look is worth another round, whatever it would mean for a send.
        with delivery_errors(classify=_retry_later):
            for place in places:
                try:
                    async for message in place.history(
                        limit=HISTORY_LIMIT, after=delivery.created_at - HISTORY_SLACK
                    ):
                        if message.author.id == me.id and carries_nonce(message, nonce):
                            if self._followup is not None and place is channel:
                                await self._followup.after_new(delivery, message.id)
                            return message.id
                except discord.Forbidden:
                    # Without Read Message History the resend's nonce is the only guard.
                    log.info("cannot read %d's history to look for alert %s", place.id, nonce)
        return None

    async def _channel(self, delivery: Delivery) -> PostableChannel:
        """The subscription's channel (a message queued for a thread in it goes there when
        the thread cannot be used). A 403 or 404 here stops the subscription."""
        subscription = delivery.subscription
        target_id = delivery.target.channel_id
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


def in_channel(delivery: Delivery) -> Delivery:
    """The message, to the channel instead of the thread it was queued for."""
    return delivery.model_copy(
        update={"target": delivery.target.model_copy(update={"thread_id": None})}
    )


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


def carries_nonce(message: discord.Message, nonce: str) -> bool:
    """The bot's message for this nonce: Discord keeps the nonce for a while, the footer's
    reference for good."""
    if message.nonce is not None and str(message.nonce) == nonce:
        return True
    marker = reference_text(nonce)
    return any(marker in (embed.footer.text or "") for embed in message.embeds)
