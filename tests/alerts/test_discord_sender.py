"""The Discord adapter: mentions, Discord's errors as delivery outcomes, and the channel."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest

from bot.alerts.delivery import ChannelUnavailable, DeliveryFailed, DeliveryRejected
from bot.alerts.discord_sender import (
    DiscordSender,
    allowed_mentions_for,
    classify_http_error,
    missing_permissions,
)
from bot.guilds import GuildPolicy
from bot.neocp import AlertFilter, EventKind, NeocpEvent
from bot.store import Delivery, DeliveryState, Subscription, SubscriptionState, Target
from tests.builders import scout_object
from tests.fakes import T0

GUILD, CHANNEL, ROLE, BOT_USER = 111, 5001, 7001, 999
POSTING = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)


def http_error(kind: type[discord.HTTPException], status: int, code: int = 0) -> Any:
    response = SimpleNamespace(status=status, reason="Reason")
    return kind(response, {"code": code, "message": "what Discord said"})  # type: ignore[arg-type]


def delivery(role_id: int | None = None) -> Delivery:
    return Delivery(
        row_ids=(1,),
        state=DeliveryState.PENDING,
        nonce=None,
        attempts=0,
        created_at=T0,
        reason=None,
        target=Target(guild_id=GUILD, channel_id=CHANNEL),
        events=(NeocpEvent.first_listed(scout_object("P21abcd"), T0),),
        subscription=Subscription(
            id=1,
            guild_id=GUILD,
            channel_id=CHANNEL,
            filter=AlertFilter(),
            mention_role_id=role_id,
            created_by=1,
            created_at=T0,
            state=SubscriptionState.ACTIVE,
        ),
    )


def channel(*, guild_id: int = GUILD, perms: discord.Permissions = POSTING) -> Any:
    made = MagicMock(spec=discord.TextChannel)
    made.id = CHANNEL
    made.guild = MagicMock(spec=discord.Guild)
    made.guild.id = guild_id
    made.guild.me = MagicMock(spec=discord.Member, id=BOT_USER)
    made.permissions_for.return_value = perms
    made.send = AsyncMock(return_value=SimpleNamespace(id=424242))
    return made


def sender_for(found: Any, *, allowed: list[int] | None = None) -> DiscordSender:
    client = MagicMock(spec=discord.Client)
    client.get_channel.return_value = found
    client.fetch_channel = AsyncMock(side_effect=http_error(discord.NotFound, 404, 10003))
    client.user = SimpleNamespace(id=BOT_USER)
    return DiscordSender(client, GuildPolicy(allowed if allowed is not None else [GUILD]))


def test_an_alert_without_a_role_pings_no_one() -> None:
    mentions = allowed_mentions_for(None).to_dict()
    assert mentions == {"parse": []}


def test_an_alert_with_a_role_may_ping_only_that_role() -> None:
    mentions = allowed_mentions_for(ROLE).to_dict()
    assert mentions["parse"] == []
    assert mentions["roles"] == [ROLE]
    assert "users" not in mentions or mentions["users"] == []


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (http_error(discord.Forbidden, 403, 50013), ChannelUnavailable),
        (http_error(discord.NotFound, 404, 10003), ChannelUnavailable),
        (http_error(discord.NotFound, 404, 10008), DeliveryRejected),
        (http_error(discord.DiscordServerError, 503), DeliveryFailed),
        (http_error(discord.HTTPException, 429), DeliveryFailed),
        (http_error(discord.HTTPException, 400, 50035), DeliveryRejected),
    ],
)
def test_discords_errors_become_delivery_outcomes(error: Any, outcome: type) -> None:
    classified = classify_http_error(error)
    assert type(classified) is outcome
    assert str(error.status) in classified.reason


def test_missing_permissions_are_named_as_discord_names_them() -> None:
    assert missing_permissions(discord.Permissions(view_channel=True)) == [
        "Send Messages",
        "Embed Links",
    ]
    assert missing_permissions(POSTING) == []


async def test_send_posts_the_embed_with_the_nonce_and_only_the_role_mention() -> None:
    target = channel()
    message_id = await sender_for(target).send(delivery(ROLE), "nonce123")
    assert message_id == 424242
    kwargs = target.send.await_args.kwargs
    assert kwargs["nonce"] == "nonce123"
    assert kwargs["content"] == f"<@&{ROLE}>"
    assert kwargs["allowed_mentions"].to_dict()["roles"] == [ROLE]
    assert "nonce123" in kwargs["embed"].footer.text


async def test_a_forbidden_send_makes_the_channel_unavailable() -> None:
    target = channel()
    target.send.side_effect = http_error(discord.Forbidden, 403, 50001)
    with pytest.raises(ChannelUnavailable):
        await sender_for(target).send(delivery(), "n")


async def test_a_channel_without_posting_permission_is_unavailable_before_sending() -> None:
    target = channel(perms=discord.Permissions(view_channel=True, send_messages=True))
    with pytest.raises(ChannelUnavailable, match="Embed Links"):
        await sender_for(target).send(delivery(), "n")
    target.send.assert_not_awaited()


async def test_a_deleted_channel_is_unavailable() -> None:
    with pytest.raises(ChannelUnavailable):
        await sender_for(None).send(delivery(), "n")


async def test_a_channel_in_a_server_not_served_is_never_posted_to() -> None:
    target = channel(guild_id=GUILD + 1)
    with pytest.raises(DeliveryRejected):
        await sender_for(target, allowed=[GUILD, GUILD + 1]).send(delivery(), "n")
    with pytest.raises(DeliveryRejected):
        await sender_for(channel(), allowed=[GUILD + 1]).send(delivery(), "n")
    target.send.assert_not_awaited()


def history_of(*messages: Any) -> Any:
    async def history(**_: Any) -> Any:
        for message in messages:
            yield message

    return history


def posted_message(message_id: int, author: int, footer: str | None) -> Any:
    embed = discord.Embed()
    if footer is not None:
        embed.set_footer(text=footer)
    return SimpleNamespace(
        id=message_id, author=SimpleNamespace(id=author), nonce=None, embeds=[embed]
    )


async def test_find_posted_recognises_its_own_alert_by_the_reference() -> None:
    target = channel()
    target.history = history_of(
        posted_message(1, 12345, "NEOCP data · alert abc"),  # someone else's
        posted_message(2, BOT_USER, "NEOCP data · alert other"),
        posted_message(3, BOT_USER, "NEOCP data · alert abc"),
    )
    assert await sender_for(target).find_posted(delivery(), "abc") == 3
    assert await sender_for(target).find_posted(delivery(), "zzz") is None


async def test_find_posted_without_read_history_relies_on_the_nonce() -> None:
    target = channel()

    async def forbidden(**_: Any) -> Any:
        raise http_error(discord.Forbidden, 403, 50001)
        yield  # an async generator

    target.history = forbidden
    assert await sender_for(target).find_posted(delivery(), "abc") is None


THREAD = 8001


def update_in_thread() -> Delivery:
    """An update queued for the object's thread."""
    queued = delivery()
    (new,) = queued.events
    return queued.model_copy(
        update={
            "target": Target(guild_id=GUILD, channel_id=CHANNEL, thread_id=THREAD),
            "events": (new.model_copy(update={"kind": EventKind.UPDATED}),),
        }
    )


def thread_sender(parent: Any, thread_lookup: Any) -> DiscordSender:
    """The channel is known; the thread is looked up with ``fetch_channel``."""
    client = MagicMock(spec=discord.Client)
    client.get_channel.side_effect = lambda found_id: parent if found_id == CHANNEL else None
    client.fetch_channel = AsyncMock(side_effect=thread_lookup)
    client.user = SimpleNamespace(id=BOT_USER)
    return DiscordSender(client, GuildPolicy([GUILD]))


def open_thread() -> Any:
    made = MagicMock(spec=discord.Thread)
    made.id = THREAD
    made.archived = False
    made.send = AsyncMock(return_value=SimpleNamespace(id=515151))
    return made


async def test_an_update_queued_for_a_thread_is_posted_in_it() -> None:
    parent, thread = channel(), open_thread()
    posted = await thread_sender(parent, [thread]).send(update_in_thread(), "n")
    assert posted == 515151
    parent.send.assert_not_awaited()


@pytest.mark.parametrize(
    "refusal",
    [http_error(discord.NotFound, 404, 10003), http_error(discord.Forbidden, 403, 50001)],
)
async def test_a_deleted_or_forbidden_thread_falls_back_to_the_channel(refusal: Any) -> None:
    parent = channel()
    posted = await thread_sender(parent, refusal).send(update_in_thread(), "n")
    assert posted == 424242, "posted in the channel; the subscription goes on"
    assert parent.send.await_args.kwargs["nonce"] == "n"


async def test_a_thread_refusing_the_post_falls_back_to_the_channel() -> None:
    parent, thread = channel(), open_thread()
    thread.send.side_effect = http_error(discord.Forbidden, 403, 50001)
    assert await thread_sender(parent, [thread]).send(update_in_thread(), "n") == 424242


async def test_a_thread_whose_channel_is_gone_still_stops_the_subscription() -> None:
    sender = thread_sender(None, http_error(discord.NotFound, 404, 10003))
    with pytest.raises(ChannelUnavailable):
        await sender.send(update_in_thread(), "n")


async def test_a_thread_discord_does_not_answer_for_is_retried() -> None:
    sender = thread_sender(channel(), http_error(discord.DiscordServerError, 503))
    with pytest.raises(DeliveryFailed):
        await sender.send(update_in_thread(), "n")
