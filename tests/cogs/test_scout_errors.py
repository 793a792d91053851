"""/scout errors that teach: while Scout is marked down, a private answer at once (never a
public "thinking…" that fails 40 s later; what the cache holds is still answered in
public); a mistyped site code answered with the codes meant, before Scout is asked."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import discord
import pytest

from bot.error_answers import answer_error
from bot.scout.outage import Outage, ScoutDown
from cogs.scout import DYNAMIC_ITEMS, Scout
from tests.fakes import FakeClock
from tests.helpers import (
    make_interaction,
    make_member,
    message_showing,
    press_button,
)
from tests.recorded import ephemeris
from tests.sky.helpers import site


@pytest.fixture
def scout(scout: Any, clock: FakeClock) -> Any:
    scout.outage = Outage(clock.monotonic, 120.0, utc=clock.utc)
    return scout


def _marked_down(scout: Any) -> ScoutDown:
    """Scout gave up on an earlier call; the client now refuses what it has not cached."""
    down = scout.outage.gave_up("HTTP 503")
    scout.ephemeris.side_effect = down
    scout.summary.side_effect = down
    return down


async def _run(cog: Scout, command: Any, interaction: Any, *args: Any, **options: Any) -> None:
    """The command as the tree runs it: an error goes to the one error handler."""
    try:
        await command.callback(cog, interaction, *args, **options)
    except Exception as error:
        await answer_error(interaction, error)


async def test_a_command_is_answered_privately_at_once(cog: Scout, scout: Any) -> None:
    down = _marked_down(scout)
    interaction = make_interaction(client=cog.bot)

    await _run(cog, cog.ephemeris, interaction, "6J12821")

    interaction.response.defer.assert_not_awaited()  # no public "thinking…"
    interaction.response.send_message.assert_awaited_once_with(down.message, ephemeral=True)
    assert "I'll ask it again from" in down.message and "cneos.jpl.nasa.gov/scout/" in down.message


async def test_what_the_cache_holds_is_still_answered_in_public(cog: Scout, scout: Any) -> None:
    scout.outage.gave_up("HTTP 503")
    scout.ephemeris.return_value = ephemeris()  # as the client answers from its cache
    interaction = make_interaction(client=cog.bot)

    await _run(cog, cog.ephemeris, interaction, "6J12821")

    interaction.response.defer.assert_awaited_once_with(thinking=True)
    interaction.followup.send.assert_awaited_once()
    assert interaction.followup.send.await_args.kwargs.get("ephemeral") is not True


async def test_a_pager_press_is_answered_privately_and_the_list_left_alone(
    cog: Scout, scout: Any
) -> None:
    owner = make_member()
    asked = make_interaction(client=cog.bot, user=owner)
    await cog.list_objects.callback(cog, asked)
    message = message_showing(asked.followup.send.await_args.kwargs["view"])
    down = _marked_down(scout)
    press = make_interaction(
        client=cog.bot, user=owner, kind=discord.InteractionType.component, message=message
    )

    await press_button(press, "Next ▶", DYNAMIC_ITEMS)

    press.response.defer.assert_not_awaited()
    press.response.send_message.assert_awaited_once_with(down.message, ephemeral=True)
    press.edit_original_response.assert_not_awaited()


async def test_tonight_is_answered_privately_at_once(
    cog: Scout, scout: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    down = _marked_down(scout)
    interaction = make_interaction(client=cog.bot)

    async def the_default_site(*_args: Any) -> Any:
        return SimpleNamespace(site=site("G96"))

    monkeypatch.setattr("cogs.scout.tonight.resolve_site", the_default_site)
    await _run(cog, cog.tonight, interaction)

    interaction.response.defer.assert_not_awaited()
    interaction.response.send_message.assert_awaited_once_with(down.message, ephemeral=True)


@pytest.mark.parametrize("command", ["ephemeris", "fov"])
async def test_a_mistyped_site_code_names_the_codes_meant(
    cog: Scout, scout: Any, command: str
) -> None:
    interaction = make_interaction(client=cog.bot)
    args = ("6J12821",) if command == "ephemeris" else ("6J12821", 30.0)

    await _run(cog, getattr(cog, command), interaction, *args, **{"obs_code": "G69X"})

    interaction.response.defer.assert_not_awaited()
    scout.ephemeris.assert_not_awaited()
    answer = interaction.response.send_message.await_args
    assert answer.kwargs == {"ephemeral": True}
    assert "Did you mean G69 (Via Capote" in answer.args[0]
