"""/alerts forget: a private question with one button; the press removes the server's data
(and no other server's) and says what went."""

from __future__ import annotations

from typing import Any

import discord
import pytest
from discord import app_commands

from bot.followup import FollowupStatus
from bot.store import Store
from cogs.alerts import Alerts
from cogs.forget import ForgetButton
from tests.cogs.test_alerts import GUILD, HERE, interaction_in
from tests.followup.helpers import P21, press
from tests.helpers import make_bot, make_interaction, make_member, message_showing, press_button
from tests.store.helpers import subscription

OTHER_GUILD = GUILD + 1
ADMIN = 42
ADMIN_PERMS = discord.Permissions(manage_guild=True, manage_channels=True, view_channel=True)


async def ask(cog: Alerts) -> Any:
    """Run /alerts forget; the private message it sent, as a press would carry it."""
    asked = interaction_in(None, client=cog.bot, user_perms=ADMIN_PERMS)
    await Alerts.forget.callback(cog, asked)
    args, kwargs = asked.response.send_message.await_args
    assert kwargs["ephemeral"]
    assert "Remove everything scout-bot keeps for this server?" in args[0]
    return message_showing(kwargs["view"])


def pressing(cog: Alerts, message: Any, *, user_id: int = ADMIN, perms: Any = ADMIN_PERMS) -> Any:
    interaction = make_interaction(
        client=cog.bot,
        guild_id=GUILD,
        user=make_member(member_id=user_id),
        kind=discord.InteractionType.component,
        message=message,
    )
    interaction.permissions = perms
    return interaction


@pytest.fixture
def cog(store: Store) -> Alerts:
    bot = make_bot(store=store)
    return Alerts(bot, store)


async def _data_of(store: Store, guild_id: int, channel_id: int) -> None:
    await store.save_subscription(
        subscription(channel_id).model_copy(update={"guild_id": guild_id})
    )
    await store.record_status(press("Alice", FollowupStatus.TARGETING, guild_id=guild_id))


def test_forget_needs_manage_server_in_code() -> None:
    assert Alerts.forget.checks, "/alerts forget must check Manage Server in code"


async def test_a_member_without_manage_server_is_refused() -> None:
    used = make_interaction()
    used.permissions = discord.Permissions(manage_channels=True)
    with pytest.raises(app_commands.MissingPermissions):
        for check in Alerts.forget.checks:
            await discord.utils.maybe_coroutine(check, used)


async def test_asking_removes_nothing_until_confirmed(cog: Alerts, store: Store) -> None:
    await _data_of(store, GUILD, HERE)
    await ask(cog)
    assert len(await store.guild_subscriptions(GUILD)) == 1


async def test_confirming_removes_this_servers_data_and_says_what(
    cog: Alerts, store: Store
) -> None:
    await _data_of(store, GUILD, HERE)
    await _data_of(store, OTHER_GUILD, HERE + 100)
    confirmed = pressing(cog, await ask(cog))

    await press_button(confirmed, "Remove everything", [ForgetButton])

    kwargs = confirmed.response.edit_message.await_args.kwargs
    assert kwargs["view"] is None
    assert kwargs["content"].startswith("Removed: 1 alert subscription, 1 follow-up status.")
    assert await store.guild_subscriptions(GUILD) == []
    assert (await store.team_status(GUILD, P21)).empty
    assert len(await store.guild_subscriptions(OTHER_GUILD)) == 1
    assert not (await store.team_status(OTHER_GUILD, P21)).empty


async def test_only_the_member_who_asked_may_confirm(cog: Alerts, store: Store) -> None:
    await _data_of(store, GUILD, HERE)
    someone_else = pressing(cog, await ask(cog), user_id=ADMIN + 1)
    await press_button(someone_else, "Remove everything", [ForgetButton])
    [answer] = someone_else.response.send_message.await_args.args
    assert "Only the member who asked" in answer
    assert len(await store.guild_subscriptions(GUILD)) == 1


async def test_a_confirmation_after_losing_manage_server_is_refused(
    cog: Alerts, store: Store
) -> None:
    await _data_of(store, GUILD, HERE)
    demoted = pressing(cog, await ask(cog), perms=discord.Permissions(view_channel=True))
    await press_button(demoted, "Remove everything", [ForgetButton])
    [answer] = demoted.response.send_message.await_args.args
    assert "Manage Server" in answer
    assert len(await store.guild_subscriptions(GUILD)) == 1
