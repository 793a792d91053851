"""Spec'd mocks of discord.py objects, for testing commands and views without Discord.

In the style of python-discord/bot's test helpers: every mock has the spec of the real
class, so a test that touches an attribute the real object lacks fails instead of passing
quietly, and coroutine methods are AsyncMocks that can be awaited and asserted on.

    interaction = make_interaction(client=make_bot(scout=fake_scout))
    await cog.command.callback(cog, interaction, "A11EBEK")
    interaction.response.defer.assert_awaited_once_with(thinking=True)
    sent = interaction.followup.send.await_args.kwargs

The interaction's response keeps state like Discord's: ``is_done()`` turns True once a
response method (``defer``, ``send_message``, ``edit_message`` …) has been awaited, and a
second response raises ``discord.InteractionResponded`` as the real library does.
"""

from __future__ import annotations

import itertools
from typing import Any
from unittest.mock import AsyncMock, MagicMock, create_autospec

import discord

from bot.client import ScoutBot
from bot.config import Settings
from bot.health import UpstreamHealth

_ids = itertools.count(1_000_000_000_000_000)

# The response methods that acknowledge an interaction (only one may be used).
_RESPONSE_METHODS = (
    "defer",
    "send_message",
    "edit_message",
    "send_modal",
    "autocomplete",
    "pong",
    "launch_activity",
    "require_premium",
)


def next_id() -> int:
    """A fresh snowflake-sized id."""
    return next(_ids)


def make_member(
    *, member_id: int | None = None, name: str = "observer", display_name: str | None = None
) -> Any:
    member = MagicMock(spec=discord.Member)
    member.id = member_id if member_id is not None else next_id()
    member.name = name
    member.display_name = display_name or name
    member.mention = f"<@{member.id}>"
    member.bot = False
    return member


def make_guild(*, guild_id: int | None = None, name: str = "Team server") -> Any:
    guild = MagicMock(spec=discord.Guild)
    guild.id = guild_id if guild_id is not None else next_id()
    guild.name = name
    guild.leave = AsyncMock()
    return guild


def make_message(*, message_id: int | None = None) -> Any:
    """A message the bot sent (``followup.send(wait=True)`` returns one of these)."""
    message = MagicMock(spec=discord.WebhookMessage)
    message.id = message_id if message_id is not None else next_id()
    message.edit = AsyncMock(return_value=message)
    message.delete = AsyncMock()
    return message


def make_channel_message(*, message_id: int | None = None) -> Any:
    """A message as a component interaction sees it (``interaction.message``)."""
    message = MagicMock(spec=discord.Message)
    message.id = message_id if message_id is not None else next_id()
    message.edit = AsyncMock(return_value=message)
    return message


def make_bot(*, scout: Any = None, settings: Settings | None = None, **services: Any) -> Any:
    """A ScoutBot with the given services; anything not given is a spec'd mock."""
    bot = MagicMock(spec=ScoutBot)
    bot.settings = settings or Settings()
    bot.health = UpstreamHealth()
    bot.scout = scout if scout is not None else MagicMock()
    for name, value in services.items():
        setattr(bot, name, value)
    return bot


def make_interaction(
    *,
    client: Any = None,
    user: Any = None,
    guild_id: int | None = 111,
    kind: discord.InteractionType = discord.InteractionType.application_command,
    message: Any = None,
    command_name: str | None = None,
) -> Any:
    """An interaction whose response and followup record what the code under test did."""
    interaction = MagicMock(spec=discord.Interaction)
    interaction.id = next_id()
    interaction.client = client if client is not None else make_bot()
    interaction.user = user if user is not None else make_member()
    interaction.guild_id = guild_id
    interaction.guild = make_guild(guild_id=guild_id) if guild_id is not None else None
    interaction.type = kind
    interaction.message = message
    if command_name is None:
        interaction.command = None
    else:
        interaction.command = MagicMock(spec=discord.app_commands.Command)
        interaction.command.qualified_name = command_name
    interaction.response = _make_response()
    interaction.followup = MagicMock(spec=discord.Webhook)
    interaction.followup.send = AsyncMock(side_effect=lambda *a, **k: make_message())
    interaction.edit_original_response = AsyncMock()
    interaction.delete_original_response = AsyncMock()
    interaction.original_response = AsyncMock(side_effect=lambda: make_message())
    return interaction


def _make_response() -> Any:
    response = MagicMock(spec=discord.InteractionResponse)
    state: dict[str, Any] = {"done": False, "type": None}

    def responder(name: str) -> AsyncMock:
        async def respond(*args: Any, **kwargs: Any) -> None:
            if state["done"]:
                raise discord.InteractionResponded(MagicMock(spec=discord.Interaction))
            state["done"] = True
            if name == "defer":
                state["type"] = discord.InteractionResponseType.deferred_channel_message
            elif name == "send_message":
                state["type"] = discord.InteractionResponseType.channel_message
            elif name == "edit_message":
                state["type"] = discord.InteractionResponseType.message_update

        return AsyncMock(side_effect=respond)

    for name in _RESPONSE_METHODS:
        setattr(response, name, responder(name))
    response.is_done.side_effect = lambda: state["done"]
    # ``type`` is read by bot.client.send_ephemeral; keep it in step with the state.
    type(response).type = property(lambda _self: state["type"])  # type: ignore[assignment]
    return response


def spec_scout_client() -> Any:
    """A ScoutClient whose methods check their arguments against the real signatures."""
    from bot.scout import ScoutClient

    return create_autospec(ScoutClient, instance=True)
