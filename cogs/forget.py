"""The confirmation of `/alerts forget`: one button on the private question, which removes
everything the bot keeps for the server (`Store.forget_guild`) and says what went.

The command itself is in ``cogs/alerts.py`` (it belongs to the /alerts group); this
extension registers the button, which keeps its server and asker in its custom_id so that a
press after a restart still works.
"""

from __future__ import annotations

import logging
import re

import discord
from discord.ext import commands

from bot.client import AnsweringButton, Interaction, ScoutBot
from bot.errors import InvalidInput, UserFacingError
from bot.render.forget import CONFIRM_LABEL, forgotten_message, not_yours_answer

log = logging.getLogger(__name__)


class ForgetButton(
    AnsweringButton, template=r"forget:(?P<guild>[0-9]{1,20}):(?P<user>[0-9]{1,20})"
):
    """Remove everything: only the member who asked, while they may manage the server."""

    def __init__(self, guild_id: int, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=CONFIRM_LABEL,
                style=discord.ButtonStyle.danger,
                custom_id=f"forget:{guild_id}:{user_id}",
            )
        )
        self.guild_id = guild_id
        self.user_id = user_id

    @classmethod
    def from_match(cls, match: re.Match[str]) -> ForgetButton:
        return cls(int(match["guild"]), int(match["user"]))

    async def allowed(self, interaction: Interaction) -> bool:
        if interaction.user.id != self.user_id or interaction.guild_id != self.guild_id:
            raise InvalidInput(not_yours_answer())
        if not interaction.permissions.manage_guild:
            raise InvalidInput("Removing this server's data needs the Manage Server permission.")
        return True

    async def pressed(self, interaction: Interaction) -> None:
        store = interaction.client.store
        if store is None:
            raise UserFacingError("The bot's database is not open; try again in a minute.")
        removed = await store.forget_guild(self.guild_id)
        log.info("user %d removed server %d's data: %r", self.user_id, self.guild_id, removed)
        await interaction.response.edit_message(content=forgotten_message(removed), view=None)


def forget_view(guild_id: int, user_id: int) -> discord.ui.View:
    """The question's one button (stopped: the dynamic item answers it, not this view)."""
    view = discord.ui.View(timeout=None)
    view.add_item(ForgetButton(guild_id, user_id))
    view.stop()
    return view


class Forget(commands.Cog):
    def __init__(self, bot: ScoutBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ForgetButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(ForgetButton)


async def setup(bot: ScoutBot) -> None:
    await bot.add_cog(Forget(bot))
