"""/site: a server's telescopes (MPC observatory codes), one of them the default.

Adding, removing and choosing the server's default need Manage Server, checked in code;
everyone may list them and choose their own default (``/site mine``). Answers are
ephemeral except the list, which the team reads together.
Other commands name a site with ``site_autocomplete`` and find it with ``server_site``.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Literal

from discord import app_commands
from discord.ext import commands

from bot.client import Interaction, ScoutBot
from bot.errors import InvalidInput
from bot.render.sites import (
    default_message,
    mine_message,
    removed_message,
    site_saved_embed,
    sites_embed,
)
from bot.scout.validation import GEOCENTRIC
from bot.sky import (
    DEFAULT_MIN_ALTITUDE,
    Site,
    Twilight,
    parse_code,
    search,
    site_observatory,
    sky_of,
)
from bot.store import Store, StoredSite

log = logging.getLogger(__name__)

MAX_SITES_PER_SERVER = 25  # autocomplete and the list's embed show at most 25
TwilightChoice = Literal["nautical", "astronomical"]
# The permission the server's own settings need, named once for the commands that change them.
manage_server_only = app_commands.checks.has_permissions(manage_guild=True)


# --- finding a server's site (shared with /scout and /alerts) -----------------------------


def _store(interaction: Interaction) -> Store:
    store = interaction.client.store
    if store is None:  # setup_hook opens it before any extension loads
        raise RuntimeError("the store is not open")
    return store


def _guild_id(interaction: Interaction) -> int:
    if interaction.guild_id is None:  # the tree refuses DMs first; this is a safety net
        raise InvalidInput("Sites belong to a server; use this inside one.")
    return interaction.guild_id


async def server_site(
    interaction: Interaction, typed: str | None, *, personal: bool = True
) -> StoredSite | None:
    """The server's site named by ``typed`` (a code, or a choice's label); when nothing was
    typed, the default of the person asking (their own, else the server's; only the
    server's when not ``personal``), None when there is none. An unknown code is refused."""
    store, guild_id = _store(interaction), _guild_id(interaction)
    if typed is None or not typed.strip():
        if personal:
            return await store.site_for_member(guild_id, interaction.user.id)
        return await store.default_site(guild_id)
    code = parse_code(typed)
    stored = await store.site(guild_id, code)
    if stored is None:
        raise InvalidInput(
            f"This server has no site {code}. `/site list` shows its sites; "
            f"someone with Manage Server can add it with `/site add code:{code}`."
        )
    return stored


async def ephemeris_site(interaction: Interaction, obs_code: str | None) -> tuple[str, str | None]:
    """The code an ephemeris is asked from and the server's name for it: the code given
    (named if it is one of the server's sites), else the default site of the person asking
    (their own, else the server's), else the geocentre. A code the server lacks is left to
    the ephemeris query's own check."""
    store = interaction.client.store
    if interaction.guild_id is None or store is None:
        return (obs_code or GEOCENTRIC), None
    if obs_code is None or not obs_code.strip():
        default = await store.site_for_member(interaction.guild_id, interaction.user.id)
        return (GEOCENTRIC, None) if default is None else (default.site.code, default.site.label)
    named = await store.site(interaction.guild_id, obs_code.strip().upper())
    return obs_code, None if named is None else named.site.label


async def site_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """The server's own sites matching what was typed: "G96 Mt. Lemmon (default)"."""
    if interaction.guild_id is None or interaction.client.store is None:
        return []
    typed = current.strip().lower()
    choices = []
    for stored in await interaction.client.store.guild_sites(interaction.guild_id):
        label = f"{stored.site.code} {stored.site.name}"
        if typed and typed not in label.lower():
            continue
        if stored.is_default:
            label += " (default)"
        choices.append(app_commands.Choice(name=label[:100], value=stored.site.code))
    return choices[:25]


async def observatory_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Every MPC code that can be a site: "G96 University of Arizona Mt. Lemmon Survey"."""
    return [app_commands.Choice(name=obs.label[:100], value=obs.code) for obs in search(current)]


# --- the commands -------------------------------------------------------------------------


class Sites(commands.Cog):
    site = app_commands.Group(name="site", description="This server's telescopes (MPC codes)")

    def __init__(self, bot: ScoutBot) -> None:
        self.bot = bot

    @site.command(name="add", description="Register one of the team's telescopes")
    @app_commands.autocomplete(code=observatory_autocomplete)
    @manage_server_only
    async def add(
        self,
        interaction: Interaction,
        code: str,
        name: app_commands.Range[str, 1, 60] | None = None,
        min_altitude: app_commands.Range[float, 0.0, 89.0] = DEFAULT_MIN_ALTITUDE,
        limiting_vmag: app_commands.Range[float, 5.0, 30.0] | None = None,
        fov_arcmin: app_commands.Range[float, 0.1, 1800.0] | None = None,
        twilight: TwilightChoice = "nautical",
        default: bool = False,
    ) -> None:
        """Register one of the team's telescopes (the options' descriptions are read from here).

        Args:
            code: MPC observatory code, e.g. G96 (type a code or a place)
            name: How answers name it (default: the MPC's name)
            min_altitude: Lowest altitude worth observing, degrees (default 25)
            limiting_vmag: Faintest V the telescope reaches
            fov_arcmin: Field of view, arcminutes
            twilight: How dark: nautical (Sun below -12°, default) or astronomical (-18°)
            default: Make it the server's default site
        """
        guild_id = _guild_id(interaction)
        observatory = site_observatory(code)
        assert observatory.longitude is not None  # site_observatory checked it is on Earth
        assert observatory.rho_cos_phi is not None and observatory.rho_sin_phi is not None
        shown_name = (name or "").strip() or observatory.name
        site = Site(
            code=observatory.code,
            name=shown_name[:100],
            longitude=observatory.longitude,
            rho_cos_phi=observatory.rho_cos_phi,
            rho_sin_phi=observatory.rho_sin_phi,
            min_altitude=min_altitude,
            limiting_vmag=limiting_vmag,
            fov_arcmin=fov_arcmin,
            twilight=Twilight(twilight),
        )
        store = _store(interaction)
        if await store.site(guild_id, site.code) is None and (
            await store.count_sites(guild_id) >= MAX_SITES_PER_SERVER
        ):
            raise InvalidInput(
                f"This server has {MAX_SITES_PER_SERVER} sites already; `/site remove` one first."
            )
        stored, replaced = await store.save_site(
            guild_id, site, make_default=default, by=interaction.user.id
        )
        log.info("user %d saved site %s in server %d", interaction.user.id, site.code, guild_id)
        location, window, moon = await asyncio.to_thread(sky_of, site, datetime.now(UTC))
        await interaction.response.send_message(
            embed=site_saved_embed(stored, location, window, moon, replaced=replaced),
            ephemeral=True,
        )

    @site.command(name="remove", description="Forget one of this server's sites")
    @app_commands.describe(code="The site's MPC code")
    @app_commands.autocomplete(code=site_autocomplete)
    @manage_server_only
    async def remove(self, interaction: Interaction, code: str) -> None:
        guild_id = _guild_id(interaction)
        code = parse_code(code)
        store = _store(interaction)
        using = [s for s in await store.guild_subscriptions(guild_id) if s.filter.site == code]
        if using:
            channels = ", ".join(f"<#{s.channel_id}>" for s in using)
            raise InvalidInput(
                f"The alerts in {channels} use site {code}: subscribe them again without "
                "it (or `/alerts unsubscribe`) first, then remove the site."
            )
        removed, successor = await store.remove_site(guild_id, code)
        if removed is None:
            raise InvalidInput(f"This server has no site {code}; `/site list` shows its sites.")
        log.info("user %d removed site %s in server %d", interaction.user.id, code, guild_id)
        await interaction.response.send_message(removed_message(removed, successor), ephemeral=True)

    @site.command(name="default", description="Choose the server's default site")
    @app_commands.describe(code="The site's MPC code")
    @app_commands.autocomplete(code=site_autocomplete)
    @manage_server_only
    async def default(self, interaction: Interaction, code: str) -> None:
        guild_id = _guild_id(interaction)
        code = parse_code(code)
        chosen = await _store(interaction).set_default_site(guild_id, code)
        if chosen is None:
            raise InvalidInput(
                f"This server has no site {code}; add it first with `/site add code:{code}`."
            )
        log.info("user %d made %s the default site of %d", interaction.user.id, code, guild_id)
        await interaction.response.send_message(default_message(chosen), ephemeral=True)

    @site.command(name="list", description="This server's sites and tonight's dark windows")
    async def list_(self, interaction: Interaction) -> None:
        store, guild_id = _store(interaction), _guild_id(interaction)
        stored = await store.guild_sites(guild_id)
        own = await store.member_site(guild_id, interaction.user.id)
        now = datetime.now(UTC)
        rows = await asyncio.to_thread(lambda: [(s, *sky_of(s.site, now)) for s in stored])
        await interaction.response.send_message(embed=sites_embed(rows, now, own=own))

    @site.command(name="mine", description="Your own default site; without options, show it")
    @app_commands.describe(
        code="One of the server's sites: your follow-up and your /scout answers use it",
        clear="Forget your own default (the server's is used again)",
    )
    @app_commands.autocomplete(code=site_autocomplete)
    async def mine(
        self, interaction: Interaction, code: str | None = None, clear: bool = False
    ) -> None:
        store, guild_id = _store(interaction), _guild_id(interaction)
        member_id = interaction.user.id
        if code is not None and clear:
            raise InvalidInput("Name a site for `code` or clear yours, not both.")
        if code is not None:
            chosen = await server_site(interaction, code)  # refuses a code the server lacks
            assert chosen is not None
            await store.set_member_site(guild_id, member_id, chosen.site.code)
            log.info("user %d chose %s as their site in %d", member_id, chosen.site.code, guild_id)
        elif clear:
            await store.set_member_site(guild_id, member_id, None)
        own = await store.member_site(guild_id, member_id)
        server_default = await store.default_site(guild_id)
        changed = code is not None or clear
        await interaction.response.send_message(
            mine_message(own, server_default, changed=changed), ephemeral=True
        )


async def setup(bot: ScoutBot) -> None:
    await bot.add_cog(Sites(bot))
