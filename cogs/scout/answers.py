"""One function per Scout mode: acknowledge, ask Scout, answer with a followup.

A command and the button of the same name call the same function, so they answer alike.
Errors are not caught here: the tree's ``on_error`` (commands) and ``answer_error``
(buttons) answer them.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.client import ScoutBot
from bot.render.ephemeris import ephemeris_reply, fov_reply
from bot.render.observations import observations_reply
from bot.render.orbits import orbits_reply
from bot.render.plots import plots_replies
from bot.render.reply import Reply
from bot.scout import EphemerisQuery

Interaction = discord.Interaction[ScoutBot]


async def send_replies(interaction: Interaction, replies: Sequence[Reply]) -> None:
    for reply in replies:
        # send_kwargs holds the message to Discord's limits (bot.render.safe).
        await interaction.followup.send(**reply.send_kwargs())


async def run_ephemeris(
    interaction: Interaction, query: EphemerisQuery, *, site_label: str | None = None
) -> None:
    """``site_label``: the server's name for the site asked from ("Mt. Lemmon (G96)")."""
    await interaction.response.defer(thinking=True)
    eph = await interaction.client.scout_client.ephemeris(query)
    reply = ephemeris_reply(eph, obs_code=query.obs_code, site_label=site_label)
    await send_replies(interaction, [reply])


async def run_fov(interaction: Interaction, query: EphemerisQuery) -> None:
    assert query.fov is not None, "run_fov needs a query with a field of view"
    await interaction.response.defer(thinking=True)
    eph = await interaction.client.scout_client.ephemeris(query)
    await send_replies(interaction, [fov_reply(eph, query.fov, obs_code=query.obs_code)])


async def run_plots(interaction: Interaction, designation: str, kinds: frozenset[str]) -> None:
    await interaction.response.defer(thinking=True)
    plots = await interaction.client.scout_client.plots(designation, kinds)
    await send_replies(interaction, plots_replies(plots))


async def run_orbits(interaction: Interaction, designation: str, count: int) -> None:
    await interaction.response.defer(thinking=True)
    orbits = await interaction.client.scout_client.orbits(designation, count)
    await send_replies(interaction, [orbits_reply(orbits)])


async def run_observations(interaction: Interaction, designation: str) -> None:
    await interaction.response.defer(thinking=True)
    observations = await interaction.client.scout_client.observations(designation)
    await send_replies(interaction, [observations_reply(observations)])
