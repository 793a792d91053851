"""One function per Scout mode: acknowledge, ask Scout, answer with a followup.

A command and the button of the same name call the same function, so they answer alike.
Errors are not caught here: the tree's ``on_error`` (commands) and ``answer_error``
(buttons) answer them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from bot.client import Interaction
from bot.render.ephemeris import ephemeris_reply
from bot.render.fov import fov_reply
from bot.render.observations import observations_reply
from bot.render.orbits import orbits_reply
from bot.render.plots import plots_replies
from bot.render.reply import Reply
from bot.scout import EphemerisQuery, ScoutClient

T = TypeVar("T")


async def ask_scout(
    interaction: Interaction,
    question: Callable[[ScoutClient], Awaitable[T]],
    *,
    thinking: bool = True,
) -> T:
    """Acknowledge, then ask Scout; ``thinking=False`` for a button that edits its message.

    While Scout is marked down the client answers at once, from its cache or with
    ScoutDown, so it is asked first: a failure is then answered privately, never after a
    public "thinking…" that the channel watched for nothing.
    """
    scout = interaction.client.scout_client
    if scout.outage.down:
        answer = await question(scout)
        await interaction.response.defer(thinking=thinking)
        return answer
    await interaction.response.defer(thinking=thinking)
    return await question(scout)


async def send_replies(interaction: Interaction, replies: Sequence[Reply]) -> None:
    for reply in replies:
        # send_kwargs holds the message to Discord's limits (bot.render.safe).
        await interaction.followup.send(**reply.send_kwargs())


async def run_ephemeris(
    interaction: Interaction, query: EphemerisQuery, *, site_label: str | None = None
) -> None:
    """``site_label``: the server's name for the site asked from ("Mt. Lemmon (G96)")."""
    eph = await ask_scout(interaction, lambda scout: scout.ephemeris(query))
    reply = ephemeris_reply(eph, obs_code=query.obs_code, site_label=site_label)
    await send_replies(interaction, [reply])


async def run_fov(
    interaction: Interaction, query: EphemerisQuery, *, site_label: str | None = None
) -> None:
    assert query.fov is not None, "run_fov needs a query with a field of view"
    eph = await ask_scout(interaction, lambda scout: scout.ephemeris(query))
    reply = fov_reply(eph, query.fov, obs_code=query.obs_code, site_label=site_label)
    await send_replies(interaction, [reply])


async def run_plots(interaction: Interaction, designation: str, kinds: frozenset[str]) -> None:
    plots = await ask_scout(interaction, lambda scout: scout.plots(designation, kinds))
    await send_replies(interaction, plots_replies(plots))


async def run_orbits(interaction: Interaction, designation: str, count: int) -> None:
    orbits = await ask_scout(interaction, lambda scout: scout.orbits(designation, count))
    await send_replies(interaction, [orbits_reply(orbits)])


async def run_observations(interaction: Interaction, designation: str) -> None:
    observations = await ask_scout(interaction, lambda scout: scout.observations(designation))
    await send_replies(interaction, [observations_reply(observations)])
