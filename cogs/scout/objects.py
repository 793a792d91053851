"""/scout object, ephemeris, fov, plots, orbits, observations: one object at a time.

Each command checks its arguments first (``InvalidInput``, answered by the tree before
any upstream call), then hands over to the mode's function in ``answers``.
"""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands

from bot.client import Interaction
from bot.render.followup import add_team_field
from bot.render.objects import object_embed
from bot.render.safe import message_kwargs
from bot.scout import (
    EphemerisQuery,
    parse_plot_kinds,
    validate_designation,
    validate_orbit_count,
)
from bot.sky.code_suggestions import ephemeris_code
from cogs.followup import team_statuses
from cogs.scout.answers import (
    ask_scout,
    run_ephemeris,
    run_fov,
    run_observations,
    run_orbits,
    run_plots,
)
from cogs.scout.autocomplete import designation_autocomplete
from cogs.scout.object_buttons import object_view
from cogs.site import ephemeris_site

_DESIGNATION_HELP = "NEOCP temporary designation, e.g. P10vY9r (case-sensitive)"
_START_HELP = '"now" or a UTC time: YYYY-MM-DD hh:mm:ss (within 30 days)'
_OBS_CODE_HELP = "MPC observatory code (default: the server's default site, else 500)"


async def run_object(interaction: Interaction, designation: str) -> None:
    obj = await ask_scout(interaction, lambda scout: scout.object(designation))
    view = object_view(obj.designation, designation)
    teams = await team_statuses(interaction, [obj.designation])
    embed = add_team_field(object_embed(obj), teams.get(obj.designation))
    await interaction.followup.send(**message_kwargs(embed=embed, view=view))


class ObjectCommands(commands.Cog):
    """The /scout commands about one object, mixed into the ``Scout`` group cog."""

    @app_commands.command(name="object", description="An object's Scout record, with buttons")
    @app_commands.describe(designation=_DESIGNATION_HELP)
    @app_commands.autocomplete(designation=designation_autocomplete)
    async def object_(self, interaction: Interaction, designation: str) -> None:
        await run_object(interaction, validate_designation(designation))

    @app_commands.command(name="ephemeris", description="Where to point: an ephemeris table")
    @app_commands.describe(
        designation=_DESIGNATION_HELP,
        start=_START_HELP,
        stop="UTC time of the last row (default: only the start)",
        step="Time between rows: 30m, 2h, 1d (needs a stop; default: the whole span)",
        obs_code=_OBS_CODE_HELP,
        ranges="Add the distances from the observer and the Sun",
    )
    @app_commands.autocomplete(designation=designation_autocomplete)
    async def ephemeris(
        self,
        interaction: Interaction,
        designation: str,
        start: str = "now",
        stop: str | None = None,
        step: str | None = None,
        obs_code: str | None = None,
        ranges: bool = False,
    ) -> None:
        code, site_label = await ephemeris_site(interaction, obs_code)
        query = EphemerisQuery.build(
            designation,
            start=start,
            stop=stop,
            step=step,
            obs_code=ephemeris_code(code),
            ranges=ranges,
        )
        await run_ephemeris(interaction, query, site_label=site_label)

    @app_commands.command(name="fov", description="The odds that the object is in your field")
    @app_commands.describe(
        designation=_DESIGNATION_HELP,
        diameter="Field diameter in arcminutes (up to 1800)",
        ra="Field centre R.A.: degrees or hh:mm:ss.s (default: the object's median position)",
        dec="Field centre Dec.: degrees or ±dd-mm-ss (give it with ra)",
        vmag="Count only positions at least this bright (limiting V magnitude)",
        start=_START_HELP,
        obs_code=_OBS_CODE_HELP,
    )
    @app_commands.autocomplete(designation=designation_autocomplete)
    async def fov(
        self,
        interaction: Interaction,
        designation: str,
        diameter: app_commands.Range[float, 0.0, 1800.0],
        ra: str | None = None,
        dec: str | None = None,
        vmag: app_commands.Range[float, 0.0, 40.0] | None = None,
        start: str = "now",
        obs_code: str | None = None,
    ) -> None:
        # As /scout ephemeris: the server's default site unless a code is given.
        code, site_label = await ephemeris_site(interaction, obs_code)
        query = EphemerisQuery.build(
            designation,
            start=start,
            obs_code=ephemeris_code(code),
            fov_diam=diameter,
            fov_ra=ra,
            fov_dec=dec,
            fov_vmag=vmag,
            # Every sampled orbit's position at that time, in the same request: the
            # answer sizes the field that would reach 90 % from them (bot.sky.field).
            orbits=True,
        )
        await run_fov(interaction, query, site_label=site_label)

    @app_commands.command(name="plots", description="Scout's plots of the object's orbits")
    @app_commands.describe(designation=_DESIGNATION_HELP, kinds="Which plots (default: all)")
    @app_commands.choices(
        kinds=[
            app_commands.Choice(name="all", value="all"),
            app_commands.Choice(name="el: orbital elements", value="el"),
            app_commands.Choice(name="ca: close approach", value="ca"),
            app_commands.Choice(name="sr: systematic ranging", value="sr"),
            app_commands.Choice(name="el and ca", value="el:ca"),
            app_commands.Choice(name="el and sr", value="el:sr"),
            app_commands.Choice(name="ca and sr", value="ca:sr"),
        ]
    )
    @app_commands.autocomplete(designation=designation_autocomplete)
    async def plots(self, interaction: Interaction, designation: str, kinds: str = "all") -> None:
        await run_plots(interaction, validate_designation(designation), parse_plot_kinds(kinds))

    @app_commands.command(name="orbits", description="The spread of Scout's sampled orbits")
    @app_commands.describe(designation=_DESIGNATION_HELP, count="How many orbits (1-1000)")
    @app_commands.autocomplete(designation=designation_autocomplete)
    async def orbits(
        self,
        interaction: Interaction,
        designation: str,
        count: app_commands.Range[int, 1, 1000] = 1000,
    ) -> None:
        designation = validate_designation(designation)
        await run_orbits(interaction, designation, validate_orbit_count(count))

    @app_commands.command(name="observations", description="The MPC-format observations")
    @app_commands.describe(designation=_DESIGNATION_HELP)
    @app_commands.autocomplete(designation=designation_autocomplete)
    async def observations(self, interaction: Interaction, designation: str) -> None:
        await run_observations(interaction, validate_designation(designation))
