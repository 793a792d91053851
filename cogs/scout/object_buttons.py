"""The four buttons under /scout object: Ephemeris, Plots, Orbits, Observations.

Everything a button needs is in its custom_id, and discord.py builds the item again from
that id at every press (``DynamicItem``): nothing is held in memory, nothing times out,
and the buttons on an embed posted before a restart or a deploy keep working.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import discord

from bot.client import AnsweringButton, Interaction
from bot.errors import InvalidInput
from bot.scout import PLOT_KINDS, EphemerisQuery, validate_designation
from bot.scout.values import MAX_ORBITS
from cogs.scout.answers import (
    run_ephemeris,
    run_observations,
    run_orbits,
    run_plots,
)
from cogs.site import ephemeris_site

# What the Ephemeris button asks for: tonight, hour by hour.
BUTTON_EPHEMERIS_SPAN = timedelta(hours=24)
BUTTON_EPHEMERIS_STEP = "1h"


class ObjectMode(StrEnum):
    """What a button under /scout object asks for; the value is its part of the custom_id."""

    EPHEMERIS = "eph"
    PLOTS = "plots"
    ORBITS = "orbits"
    OBSERVATIONS = "obs"


_OBJECT_BUTTONS: dict[ObjectMode, tuple[str, discord.ButtonStyle, str]] = {
    ObjectMode.EPHEMERIS: ("Ephemeris", discord.ButtonStyle.primary, "🔭"),
    ObjectMode.PLOTS: ("Plots", discord.ButtonStyle.secondary, "📈"),
    ObjectMode.ORBITS: ("Orbits", discord.ButtonStyle.secondary, "🪐"),
    ObjectMode.OBSERVATIONS: ("Observations", discord.ButtonStyle.secondary, "📄"),
}


def object_custom_id(mode: ObjectMode, designation: str) -> str:
    """``scout:obj:<mode>:<designation>``, at most 24 characters."""
    return f"scout:obj:{mode.value}:{designation}"


def button_ephemeris_query(
    designation: str, now: datetime | None = None, *, obs_code: str | None = None
) -> EphemerisQuery:
    """The Ephemeris button: from now, hourly, for a day, from the server's default site
    (``obs_code``), geocentric when it has none."""
    now = now or datetime.now(UTC)
    return EphemerisQuery.build(
        designation,
        start="now",
        stop=now + BUTTON_EPHEMERIS_SPAN,
        step=BUTTON_EPHEMERIS_STEP,
        obs_code=obs_code,
        now=now,
    )


class ObjectButton(
    AnsweringButton,
    # The designation part is loose on purpose: from_custom_id checks it with the
    # commands' own rule and answers a sentence, where a non-match would be silence.
    template=r"scout:obj:(?P<mode>eph|plots|orbits|obs):(?P<designation>[^:]{1,80})",
):
    """A button under /scout object: the same answer as the command of the same name."""

    def __init__(self, designation: str, mode: ObjectMode) -> None:
        label, style, emoji = _OBJECT_BUTTONS[mode]
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                emoji=emoji,
                custom_id=object_custom_id(mode, designation),
            )
        )
        self.designation = designation
        self.mode = mode

    @classmethod
    def from_match(cls, match: re.Match[str]) -> ObjectButton:
        button = cls(match["designation"], ObjectMode(match["mode"]))
        try:
            button.designation = validate_designation(match["designation"])
        except InvalidInput as problem:
            button.problem = problem
        return button

    def metric_name(self) -> str:
        return f"object_{self.mode.value}"

    async def pressed(self, interaction: Interaction) -> None:
        if self.mode is ObjectMode.EPHEMERIS:
            code, site_label = await ephemeris_site(interaction, None)
            query = button_ephemeris_query(self.designation, obs_code=code)
            await run_ephemeris(interaction, query, site_label=site_label)
        elif self.mode is ObjectMode.PLOTS:
            await run_plots(interaction, self.designation, PLOT_KINDS)
        elif self.mode is ObjectMode.ORBITS:
            await run_orbits(interaction, self.designation, MAX_ORBITS)
        else:
            await run_observations(interaction, self.designation)


def object_view(*designations: str) -> discord.ui.View | None:
    """The four buttons under /scout object, for the first of ``designations`` that the
    commands accept (Scout's spelling first, then what the user asked for); None when
    none does, as for a record whose name would not fit a custom_id: a button that
    could only fail is better left out."""
    usable = next((name for name in designations if _usable(name)), None)
    if usable is None:
        return None
    view = discord.ui.View(timeout=None)
    for mode in ObjectMode:
        view.add_item(ObjectButton(usable, mode))
    return view


def _usable(designation: str) -> bool:
    try:
        return validate_designation(designation) == designation
    except InvalidInput:
        return False
