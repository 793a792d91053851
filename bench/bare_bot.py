"""The baseline: a bare discord.py bot whose /scout subcommands only defer.

Same library, same command tree machinery, same option names as the real /scout, run
against the same fake Discord; the acknowledgement benchmark divides the real bot's times
by this one's, so the ratio is what our code adds to what discord.py costs anyway.

    E2E_FAKE_DISCORD_URL=http://127.0.0.1:PORT python -m bench.bare_bot
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import discord
from discord import app_commands

from tests.e2e.launch import point_discord_at_the_fake

scout = app_commands.Group(name="scout", description="bare baseline")


async def defer(interaction: discord.Interaction) -> None:
    await interaction.response.defer(thinking=True)


@scout.command(name="list", description="defers")
async def list_objects(interaction: discord.Interaction, sort: str = "neo") -> None:
    await defer(interaction)


@scout.command(name="object", description="defers")
async def object_(interaction: discord.Interaction, designation: str) -> None:
    await defer(interaction)


@scout.command(name="ephemeris", description="defers")
async def ephemeris(
    interaction: discord.Interaction,
    designation: str,
    start: str = "now",
    stop: str | None = None,
    step: str | None = None,
) -> None:
    await defer(interaction)


@scout.command(name="fov", description="defers")
async def fov(interaction: discord.Interaction, designation: str, diameter: float) -> None:
    await defer(interaction)


@scout.command(name="plots", description="defers")
async def plots(interaction: discord.Interaction, designation: str) -> None:
    await defer(interaction)


@scout.command(name="orbits", description="defers")
async def orbits(interaction: discord.Interaction, designation: str, count: int = 1000) -> None:
    await defer(interaction)


@scout.command(name="observations", description="defers")
async def observations(interaction: discord.Interaction, designation: str) -> None:
    await defer(interaction)


class BareBot(discord.Client):
    def __init__(self, guild_id: int) -> None:
        intents = discord.Intents.none()
        intents.guilds = True  # as the real bot
        super().__init__(intents=intents)
        self.tree = app_commands.CommandTree(self)
        self.guild = discord.Object(id=guild_id)

    async def setup_hook(self) -> None:
        self.tree.add_command(scout, guild=self.guild)
        await self.tree.sync(guild=self.guild)

    async def on_ready(self) -> None:
        print(f"connected as {self.user}", flush=True)  # what BotProcess waits for


async def run() -> None:
    bot = BareBot(int(os.environ["SCOUTBOT_DISCORD__DEV_GUILD_ID"]))
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, lambda: asyncio.ensure_future(bot.close()))
    async with bot:
        await bot.start(os.environ["DISCORD_TOKEN"])


def main() -> int:
    if not point_discord_at_the_fake():
        return 2
    asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
