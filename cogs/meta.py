"""/about: version, data sources, credits and whether the upstream services answer."""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands

from bot.client import Interaction, ScoutBot
from bot.render.about import about_embed


class Meta(commands.Cog):
    def __init__(self, bot: ScoutBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="about", description="Version, data sources, credits and upstream health"
    )
    async def about(self, interaction: Interaction) -> None:
        await interaction.response.send_message(embed=about_embed(self.bot.health.all()))


async def setup(bot: ScoutBot) -> None:
    await bot.add_cog(Meta(bot))
