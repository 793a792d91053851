"""The /site screens and a site-filtered alert, for ``bench.screens``: one site (Mt.
Lemmon, G96), its night at the fixed time of the other screens."""

from __future__ import annotations

from datetime import datetime, timedelta

import discord

from bot.alerts.sites import SiteFigures
from bot.neocp import NeocpEvent
from bot.neocp.events import SitePrecise
from bot.render.digest import delivery_embed
from bot.render.sites import mine_message, sites_embed
from bot.sky import Visibility, sky_of
from bot.sky.topocentric import PreciseFigures
from bot.store import StoredSite
from tests.sky.helpers import site

LEMMON = site("G96", name="Mt. Lemmon", limiting_vmag=21.5, fov_arcmin=60)
CATALINA = site("703", name="Catalina")


def stored(at: datetime) -> tuple[StoredSite, StoredSite]:
    lemmon = StoredSite(guild_id=1, site=LEMMON, is_default=True, added_by=9, added_at=at)
    catalina = StoredSite(guild_id=1, site=CATALINA, is_default=False, added_by=9, added_at=at)
    return lemmon, catalina


def site_alerts(new: NeocpEvent, at: datetime) -> list[tuple[str, discord.Embed]]:
    """A new object's alert with Scout's figures from the site, and with the coarse ones."""
    start = at + timedelta(hours=1)
    precise = SitePrecise(
        guild_id=1,
        code="G96",
        figures=PreciseFigures(
            start=start,
            end=start + timedelta(hours=3, minutes=30),
            best_altitude=62.0,
            best_time=start + timedelta(hours=2),
            vmag=19.6,
            sigma_arcmin=1.1,
            moon_distance=105.0,
        ),
    )
    coarse = Visibility(
        designation=new.designation,
        start=start + timedelta(minutes=10),
        end=start + timedelta(hours=3, minutes=40),
        best_altitude=62.0,
        best_time=start + timedelta(hours=1, minutes=55),
        moon_distance=104.0,
        margin=0.4,
    )
    shown: list[tuple[str, discord.Embed]] = []
    for name, figures in (
        ("Scout's figures from the site", SiteFigures(LEMMON, 24.0, None, precise)),
        ("coarse, Scout not asked", SiteFigures(LEMMON, 24.0, coarse)),
    ):
        embed = delivery_embed([new], reference="0123abcd", site_figures={new.designation: figures})
        shown.append((f"Alert with a site: {name}", embed))
    return shown


def site_screens(at: datetime) -> list[tuple[str, discord.Embed | str]]:
    """/site list for someone whose own default is Catalina, and /site mine's answers."""
    lemmon, catalina = stored(at)
    rows = [(one, *sky_of(one.site, at)) for one in (lemmon, catalina)]
    return [
        ("/site list", sites_embed(rows, at, own=catalina)),
        ("/site mine code:703", mine_message(catalina, lemmon, changed=True)),
        ("/site mine", mine_message(None, lemmon, changed=False)),
    ]
