"""/alerts through its callbacks, with spec'd Discord mocks, a real store and a fake Scout."""

from __future__ import annotations

from typing import Any
from unittest.mock import MagicMock

import discord
import pytest
from discord import app_commands

from bot.config import Settings
from bot.errors import InvalidInput
from bot.guilds import GuildPolicy
from bot.neocp import AlertFilter, EventSelection
from bot.store import MAX_SUBSCRIPTIONS_PER_SERVER, NewSubscription, Store, SubscriptionState
from cogs.alerts import Alerts
from tests import recorded
from tests.fakes import FakeScout
from tests.helpers import make_bot, make_interaction, make_member

GUILD = 111
HERE = 5001
ELSEWHERE = 5002
ROLE = 7001

MODERATOR_PERMS = discord.Permissions(manage_channels=True, view_channel=True)
MEMBER_PERMS = discord.Permissions(view_channel=True, send_messages=True)
BOT_PERMS = discord.Permissions(
    view_channel=True, send_messages=True, embed_links=True, read_message_history=True
)


def text_channel(
    channel_id: int, *, user_perms: discord.Permissions, bot_perms: discord.Permissions
) -> Any:
    channel = MagicMock(spec=discord.TextChannel)
    channel.id = channel_id
    channel.mention = f"<#{channel_id}>"
    channel.guild = MagicMock(spec=discord.Guild)
    channel.guild.id = GUILD
    channel.guild.me = MagicMock(spec=discord.Member, id=999)
    channel.permissions_for.side_effect = lambda who: (
        bot_perms if who is channel.guild.me else user_perms
    )
    return channel


def role(*, mentionable: bool = True, everyone: bool = False) -> Any:
    made = MagicMock(spec=discord.Role)
    made.id = ROLE
    made.mention = f"<@&{ROLE}>"
    made.mentionable = mentionable
    made.is_default.return_value = everyone
    return made


@pytest.fixture
def scout() -> FakeScout:
    return FakeScout(recorded.summary())


@pytest.fixture
def cog(store: Store, scout: FakeScout) -> Alerts:
    bot = make_bot(scout_client=scout, settings=Settings(discord={"allowed_guilds": [GUILD]}))
    bot.guild_policy = GuildPolicy([GUILD])
    return Alerts(bot, store)


def interaction_in(
    channel: Any, *, client: Any = None, user_perms: discord.Permissions = MODERATOR_PERMS
) -> Any:
    interaction = make_interaction(client=client, guild_id=GUILD)
    interaction.channel = channel
    interaction.user = make_member(member_id=42)
    interaction.permissions = user_perms
    return interaction


async def subscribe(cog: Alerts, interaction: Any, **options: Any) -> None:
    await Alerts.subscribe.callback(cog, interaction, **options)


def answer_text(interaction: Any) -> str:
    call = interaction.response.send_message.await_args
    return str(call.args[0] if call.args else call.kwargs.get("content"))


# --- the command's shape (public interface) ---------------------------------------------


def test_the_group_and_options_are_named_as_the_design_says() -> None:
    group = Alerts.alerts
    assert group.name == "alerts"
    assert sorted(c.name for c in group.commands) == [
        "forget",
        "list",
        "preview",
        "status",
        "subscribe",
        "unsubscribe",
    ]
    subscribe_options = [p.name for p in Alerts.subscribe.parameters]
    assert subscribe_options == [
        "channel",
        "min_neo_score",
        "min_pha_score",
        "max_vmag",
        "min_rating",
        "events",
        "mention",
        "site",
        "observable",
        "within_hours",
        "threads",
        "followup_role",
    ]
    events = next(p for p in Alerts.subscribe.parameters if p.name == "events")
    assert [c.value for c in events.choices] == ["all", "new", "new+updates", "new+removals"]
    assert not events.required
    assert [p.name for p in Alerts.unsubscribe.parameters] == ["channel"]
    assert [p.name for p in Alerts.preview.parameters] == ["channel"]


def test_changing_subscriptions_needs_manage_channels_by_default_and_in_code() -> None:
    assert Alerts.alerts.default_permissions == discord.Permissions(manage_channels=True)
    for command in (Alerts.subscribe, Alerts.unsubscribe):
        assert command.checks, f"/alerts {command.name} must check permissions in code"


# --- subscribe ----------------------------------------------------------------------------


async def test_subscribing_here_stores_the_filter_and_answers_privately(
    cog: Alerts, store: Store
) -> None:
    here = text_channel(HERE, user_perms=MODERATOR_PERMS, bot_perms=BOT_PERMS)
    interaction = interaction_in(here)
    await subscribe(cog, interaction, min_neo_score=80, max_vmag=21.5, events="new+updates")

    saved = await store.subscription_for_channel(GUILD, HERE)
    assert saved is not None
    assert saved.filter == AlertFilter(
        min_neo_score=80, max_vmag=21.5, events=EventSelection.NEW_UPDATES
    )
    assert saved.created_by == 42
    assert saved.mention_role_id is None
    assert interaction.response.send_message.await_args.kwargs["ephemeral"] is True
    text = answer_text(interaction)
    assert "<#5001>" in text and "NEO ≥ 80" in text and "mention no one" in text


async def test_subscribing_another_channel_with_a_role(cog: Alerts, store: Store) -> None:
    here = text_channel(HERE, user_perms=MODERATOR_PERMS, bot_perms=BOT_PERMS)
    there = text_channel(ELSEWHERE, user_perms=MODERATOR_PERMS, bot_perms=BOT_PERMS)
    interaction = interaction_in(here)
    await subscribe(cog, interaction, channel=there, mention=role())
    saved = await store.subscription_for_channel(GUILD, ELSEWHERE)
    assert saved is not None and saved.mention_role_id == ROLE
    assert await store.subscription_for_channel(GUILD, HERE) is None
    assert "<@&7001>" in answer_text(interaction)


async def test_subscribing_again_replaces_the_settings(cog: Alerts, store: Store) -> None:
    here = text_channel(HERE, user_perms=MODERATOR_PERMS, bot_perms=BOT_PERMS)
    await subscribe(cog, interaction_in(here), min_neo_score=50)
    again = interaction_in(here)
    await subscribe(cog, again, min_neo_score=90)
    assert answer_text(again).startswith("Updated")
    assert await store.count_subscriptions() == 1


async def test_a_member_without_manage_channels_in_the_target_is_refused(
    cog: Alerts, store: Store
) -> None:
    here = text_channel(HERE, user_perms=MODERATOR_PERMS, bot_perms=BOT_PERMS)
    there = text_channel(ELSEWHERE, user_perms=MEMBER_PERMS, bot_perms=BOT_PERMS)
    with pytest.raises(app_commands.MissingPermissions):
        await subscribe(cog, interaction_in(here), channel=there)
    assert await store.count_subscriptions() == 0


async def test_the_bot_lacking_permissions_there_is_told_what_is_missing(
    cog: Alerts, store: Store
) -> None:
    here = text_channel(
        HERE,
        user_perms=MODERATOR_PERMS,
        bot_perms=discord.Permissions(view_channel=True, send_messages=True),
    )
    with pytest.raises(InvalidInput, match="I need Embed Links there"):
        await subscribe(cog, interaction_in(here))
    assert await store.count_subscriptions() == 0


async def test_a_role_the_bot_cannot_ping_is_refused(cog: Alerts) -> None:
    here = text_channel(HERE, user_perms=MODERATOR_PERMS, bot_perms=BOT_PERMS)
    with pytest.raises(InvalidInput, match="Mention @everyone"):
        await subscribe(cog, interaction_in(here), mention=role(mentionable=False))


async def test_everyone_is_never_the_mention(cog: Alerts) -> None:
    here = text_channel(HERE, user_perms=MODERATOR_PERMS, bot_perms=BOT_PERMS)
    with pytest.raises(InvalidInput, match="never mention @everyone"):
        await subscribe(cog, interaction_in(here), mention=role(everyone=True))


async def test_a_thread_or_voice_channel_is_refused(cog: Alerts) -> None:
    thread = MagicMock(spec=discord.Thread)
    with pytest.raises(InvalidInput, match="text channels only"):
        await subscribe(cog, interaction_in(thread))


async def test_a_server_has_at_most_so_many_alert_channels(cog: Alerts, store: Store) -> None:
    for channel_id in range(MAX_SUBSCRIPTIONS_PER_SERVER):
        await store.save_subscription(
            NewSubscription(
                guild_id=GUILD, channel_id=channel_id, filter=AlertFilter(), created_by=1
            )
        )
    here = text_channel(HERE, user_perms=MODERATOR_PERMS, bot_perms=BOT_PERMS)
    with pytest.raises(InvalidInput, match="already has 25"):
        await subscribe(cog, interaction_in(here))


# --- unsubscribe, list, preview, status -------------------------------------------------


async def test_unsubscribing_stops_the_channel(cog: Alerts, store: Store) -> None:
    here = text_channel(HERE, user_perms=MODERATOR_PERMS, bot_perms=BOT_PERMS)
    await subscribe(cog, interaction_in(here))
    interaction = interaction_in(here)
    await Alerts.unsubscribe.callback(cog, interaction)
    assert await store.count_subscriptions() == 0
    assert "stopped" in answer_text(interaction)
    with pytest.raises(InvalidInput, match="nothing to stop"):
        await Alerts.unsubscribe.callback(cog, interaction_in(here))


async def test_list_shows_the_servers_subscriptions_privately(cog: Alerts, store: Store) -> None:
    saved, _ = await store.save_subscription(
        NewSubscription(
            guild_id=GUILD, channel_id=HERE, filter=AlertFilter(min_rating=2), created_by=1
        )
    )
    await store.disable_subscription(saved.id, "403 Forbidden (error code: 50013)")
    interaction = interaction_in(text_channel(HERE, user_perms=MEMBER_PERMS, bot_perms=BOT_PERMS))
    await Alerts.list_.callback(cog, interaction)
    kwargs = interaction.response.send_message.await_args.kwargs
    assert kwargs["ephemeral"] is True
    (field,) = kwargs["embed"].fields
    assert "stopped" in field.name
    assert "rating ≥ 2" in field.value and "403 Forbidden" in field.value


async def test_preview_refuses_a_channel_without_alerts_before_asking_scout(
    cog: Alerts, scout: FakeScout
) -> None:
    interaction = interaction_in(text_channel(HERE, user_perms=MEMBER_PERMS, bot_perms=BOT_PERMS))
    with pytest.raises(InvalidInput, match="gets no NEOCP alerts"):
        await Alerts.preview.callback(cog, interaction)
    assert scout.calls == 0
    assert not interaction.response.is_done()


async def test_preview_lists_what_passes_without_posting(
    cog: Alerts, store: Store, scout: FakeScout
) -> None:
    await store.save_subscription(
        NewSubscription(
            guild_id=GUILD, channel_id=HERE, filter=AlertFilter(min_neo_score=100), created_by=1
        )
    )
    interaction = interaction_in(text_channel(HERE, user_perms=MEMBER_PERMS, bot_perms=BOT_PERMS))
    await Alerts.preview.callback(cog, interaction)
    passing = [o.designation for o in recorded.summary().objects if (o.neo_score or 0) >= 100]
    embed = interaction.followup.send.await_args.kwargs["embed"]
    assert f"**{len(passing)}** of the 33 objects" in embed.description
    assert all(name in embed.description for name in passing)
    assert interaction.followup.send.await_args.kwargs["ephemeral"] is True
    assert scout.calls == 1


async def test_status_describes_the_watcher(cog: Alerts) -> None:
    await cog.watcher.run_cycle()  # a first poll: the recorded list is recorded
    interaction = interaction_in(text_channel(HERE, user_perms=MEMBER_PERMS, bot_perms=BOT_PERMS))
    await Alerts.status.callback(cog, interaction)
    embed = interaction.response.send_message.await_args.kwargs["embed"]
    fields = {field.name: field.value for field in embed.fields}
    assert fields["Objects tracked"] == "33"
    assert "first list recorded" in fields["Last poll"]
    assert fields["Last upstream error"] == "none"
    assert "not running" in embed.description  # the loop was never started here


async def test_a_deleted_channel_stops_its_alerts_and_says_so_in_the_list(
    cog: Alerts, store: Store
) -> None:
    await store.save_subscription(
        NewSubscription(guild_id=GUILD, channel_id=HERE, filter=AlertFilter(), created_by=1)
    )
    deleted = text_channel(HERE, user_perms=MEMBER_PERMS, bot_perms=BOT_PERMS)
    await cog.on_guild_channel_delete(deleted)
    (subscription,) = await store.guild_subscriptions(GUILD)
    assert subscription.state is SubscriptionState.DISABLED
    assert subscription.last_failure == "the channel was deleted"
