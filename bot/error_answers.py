"""The one place that turns an error into what the user sees, and what the log keeps.

Commands (through the tree's ``on_error``), buttons, selects and forms all answer here, so
an observer gets the same short private sentence however the failure reached us.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from typing import Any

import aiohttp
import discord
from discord import app_commands

from bot.errors import UserFacingError
from bot.guilds import DM_REFUSAL
from bot.render.safe import clamp_content

log = logging.getLogger(__name__)


class NotServedHere(app_commands.CheckFailure):
    """Raised by the tree's check; a CheckFailure so discord.py routes it to on_error."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def answer_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """The one place that turns an error into what the user sees (and what the log keeps)."""
    message = explain_error(error)
    if message is None:
        reference = secrets.token_hex(4)
        log.error(
            "unexpected error in %s (reference %s)", _where(interaction), reference, exc_info=error
        )
        message = (
            "Something went wrong on our side. If it keeps happening, tell the bot's "
            f"operator and quote reference `{reference}`."
        )
    else:
        # Discord failing us is worth an operator's attention; a user's mistake is not.
        level = logging.WARNING if _is_discord_failure(error) else logging.INFO
        log.log(level, "answered an error in %s: %s", _where(interaction), message)
    await send_ephemeral(interaction, message)


def _is_discord_failure(error: BaseException) -> bool:
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    return isinstance(error, discord.HTTPException | aiohttp.ClientError)


def explain_error(error: BaseException) -> str | None:
    """A short sentence for errors the user can act on; None for our own bugs."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, UserFacingError | NotServedHere):
        return error.message
    if isinstance(error, discord.HTTPException):
        reason = error.text or "no reason given"
        return f"Discord refused my answer ({error.status}: {reason}). Please try again."
    if isinstance(error, aiohttp.ClientError):
        return "I lost the connection to Discord while answering. Please try again."
    if isinstance(error, app_commands.TransformerError):
        return f"`{error.value}` is not a valid value here."
    if isinstance(error, app_commands.MissingPermissions):
        missing = ", ".join(_permission_name(p) for p in error.missing_permissions)
        return f"You need the {missing} permission to do this."
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(_permission_name(p) for p in error.missing_permissions)
        return f"I need the {missing} permission here to do this."
    if isinstance(error, app_commands.NoPrivateMessage):
        return DM_REFUSAL
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    return None


def _permission_name(permission: str) -> str:
    return permission.replace("_", " ").replace("guild", "server").title()


def _where(interaction: discord.Interaction[Any]) -> str:
    name = interaction.command.qualified_name if interaction.command else interaction.type.name
    return f"/{name} (server {interaction.guild_id}, user {interaction.user.id})"


async def send_ephemeral(interaction: discord.Interaction[Any], message: str) -> None:
    """Answer privately, whether or not the interaction was already acknowledged.

    The message is held to Discord's 2000 characters: a refused error answer would leave
    the user with nothing at all.
    """
    message = clamp_content(message) or "Something went wrong."
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(message, ephemeral=True)
            return
        if interaction.response.type is discord.InteractionResponseType.deferred_channel_message:
            # A public "thinking..." placeholder would turn the error public; remove it.
            with contextlib.suppress(discord.HTTPException):
                await interaction.delete_original_response()
        await interaction.followup.send(message, ephemeral=True)
    except (discord.HTTPException, aiohttp.ClientError, RuntimeError) as exc:
        # RuntimeError: discord.py's "Session is closed" when the bot is stopping.
        log.warning("could not deliver an error answer to %s: %r", _where(interaction), exc)
