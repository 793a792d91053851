"""Formats shared by every embed: scores, rating, magnitudes, arc, position, links, colours.

Every formatter takes the model's value as it is (``None`` included) and returns text ready
for an embed; ``None`` always reads ``"n/a"`` so a missing value never looks like zero.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Final
from urllib.parse import quote

import discord

from bot.render import safe
from bot.scout.models import ScoutObject

NA: Final = "n/a"

# Scout's impact rating (from the Scout pages); None when the arc is too short to say.
RATING_NAMES: Final[dict[int, str]] = {
    0: "negligible",
    1: "small",
    2: "modest",
    3: "moderate",
    4: "elevated",
}

SCOUT_PAGE: Final = "https://cneos.jpl.nasa.gov/scout/"
NEOCP_PAGE: Final = "https://www.minorplanetcenter.net/iau/NEO/toconfirm_tabular.html"
_SCOUT_OBJECT: Final = "https://cneos.jpl.nasa.gov/scout/#/object/{}"
# The MPC's per-object NEOCP page: the observations it holds for a temporary designation.
_MPC_NEOCP_OBJECT: Final = "https://cgi.minorplanetcenter.net/cgi-bin/showobsorbs.cgi?Obj={}&obs=y"

# The MPC asks that NEOCP designations and ephemerides not be promulgated.
DATA_FOOTER: Final = "NEOCP data: for this team only, do not repost."

# Discord's limits, under the names the renderers use (``bot.render.safe`` holds them all).
EMBED_TOTAL_LIMIT: Final = safe.EMBEDS_TOTAL_LIMIT
EMBED_TITLE_LIMIT: Final = safe.TITLE_LIMIT
EMBED_DESCRIPTION_LIMIT: Final = safe.DESCRIPTION_LIMIT
EMBED_FIELD_LIMIT: Final = safe.FIELDS_LIMIT
EMBED_FIELD_NAME_LIMIT: Final = safe.FIELD_NAME_LIMIT
EMBED_FIELD_VALUE_LIMIT: Final = safe.FIELD_VALUE_LIMIT
EMBED_FOOTER_LIMIT: Final = safe.FOOTER_LIMIT
MESSAGE_CONTENT_LIMIT: Final = safe.CONTENT_LIMIT
MESSAGE_EMBEDS_LIMIT: Final = safe.EMBEDS_LIMIT
MESSAGE_FILES_LIMIT: Final = safe.FILES_LIMIT

# A designation as shown: NEOCP ones have at most 7 characters, so a longer one is
# upstream data gone wrong and is cut rather than allowed to fill a title.
DESIGNATION_SHOWN_LIMIT: Final = 24


def shown(designation: str) -> str:
    """A designation from upstream, safe in Markdown: escaped, on one line, cut to 24."""
    return safe.text(designation, limit=DESIGNATION_SHOWN_LIMIT)


def shown_code(designation: str) -> str:
    """The same inside a code span (``P21`` in backticks)."""
    return safe.code(designation, limit=DESIGNATION_SHOWN_LIMIT)


# --- numbers ------------------------------------------------------------------------------


def fmt_score(score: int | None) -> str:
    """A 0-100 Scout score: ``"100"``, ``"3"``; ``"n/a"`` when unknown or out of range."""
    checked = safe.score(score)
    return NA if checked is None else str(checked)


def fmt_scores(obj: ScoutObject) -> str:
    """The two scores observers look at first: ``"NEO 100 · PHA 3"``."""
    return f"NEO {fmt_score(obj.neo_score)} · PHA {fmt_score(obj.pha_score)}"


def rating_name(rating: int | None) -> str:
    """``0`` -> ``"negligible"`` ... ``4`` -> ``"elevated"``; None or out of range -> ``"n/a"``."""
    checked = safe.rating(rating)
    return NA if checked is None else RATING_NAMES[checked]


def fmt_rating(rating: int | None) -> str:
    """``"0 (negligible)"``; ``"n/a"`` when Scout gives none (arc too short) or one out of
    its 0-4 range."""
    checked = safe.rating(rating)
    return NA if checked is None else f"{checked} ({rating_name(checked)})"


def fmt_mag(value: float | None) -> str:
    """A magnitude (V or H) to one decimal: ``"19.2"``."""
    checked = safe.within(value, -30, 40)
    return NA if checked is None else f"{checked:.1f}"


def fmt_arc(hours: float | None) -> str:
    """Scout's arc is in hours: under an hour ``"24 min"``, under a day ``"1.1 h"``, else
    days ``"2.3 d"`` (an arc of 0.4 h read "0.0 h" at one decimal of a day's scale)."""
    hours = safe.non_negative(hours)
    if hours is None:
        return NA
    if hours < 1:
        return f"{hours * 60:.0f} min"
    if hours < 24:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} d"


_RA: Final = re.compile(r"(?P<h>[0-9]{1,2}):(?P<m>[0-9]{1,2}(?:\.[0-9]+)?)")
_DEC: Final = re.compile(r"(?P<d>[+-]?[0-9]{1,2}(?:\.[0-9]+)?)°?")


def fmt_ra(ra: str | None) -> str:
    """Scout's ``"HH:MM"`` R.A. as ``"20h25m"``; anything else escaped and cut short."""
    if not ra:
        return NA
    match = _RA.fullmatch(ra.strip())
    if match is None:
        return safe.text(ra, limit=12)
    return f"{match['h']}h{match['m']}m"


def fmt_dec(dec: str | None) -> str:
    """Scout's whole-degree ``"+09"`` Dec. as ``"+09°"``; anything else escaped and cut."""
    if not dec:
        return NA
    match = _DEC.fullmatch(dec.strip())
    if match is None:
        return safe.text(dec, limit=12)
    return f"{match['d']}°"


def fmt_radec(obj: ScoutObject) -> str:
    """``"20h25m -47°"``: Scout's coarse position at ``tEphem``."""
    return f"{fmt_ra(obj.ra)} {fmt_dec(obj.dec)}"


def fmt_rate(rate: float | None) -> str:
    """Plane-of-sky motion, arcseconds a minute: ``"4.8″/min"``."""
    rate = safe.finite(rate)
    if rate is None:
        return NA
    return f"{rate:.2f}″/min" if abs(rate) < 1 else f"{rate:.1f}″/min"


def fmt_arcmin(value: float | None) -> str:
    """An angle in arcminutes; degrees once it is large (uncertainties reach thousands)."""
    value = safe.non_negative(value)
    if value is None:
        return NA
    if abs(value) >= 600:
        return f"{value / 60:.3g}°"
    return f"{value:.3g}′"


def fmt_uncertainty(obj: ScoutObject) -> str:
    """1-sigma plane-of-sky uncertainty now and a day later: ``"5.4′ (26′ in 1 d)"``."""
    now = fmt_arcmin(obj.unc)
    if obj.unc_p1 is None:
        return now
    return f"{now} ({fmt_arcmin(obj.unc_p1)} in 1 d)"


def fmt_elong(elong: float | None) -> str:
    """Solar elongation in whole degrees: ``"152°"``."""
    checked = safe.within(elong, 0, 180)
    return NA if checked is None else f"{checked:.0f}°"


# Geometric albedos bracketing most NEOs: dark (C-like) and bright (S-like).
_ALBEDO_DARK: Final = 0.05
_ALBEDO_BRIGHT: Final = 0.25


def diameter_km(h: float, albedo: float) -> float:
    """The standard relation D = 1329 km / sqrt(albedo) * 10^(-H/5)."""
    return 1329.0 / math.sqrt(albedo) * 10 ** (-h / 5)


def fmt_size(h: float | None) -> str:
    """The size H implies for albedos 0.25 to 0.05: H 24.9 -> ``"≈ 28-62 m"``."""
    h = safe.within(h, -5, 40)
    if h is None:
        return NA
    small, large = diameter_km(h, _ALBEDO_BRIGHT), diameter_km(h, _ALBEDO_DARK)
    if large < 1:
        return f"≈ {_two_figures(small * 1000)}-{_two_figures(large * 1000)} m"
    return f"≈ {_two_figures(small)}-{_two_figures(large)} km"


def _two_figures(value: float) -> str:
    return f"{float(f'{value:.2g}'):g}"


def fmt_approach(obj: ScoutObject) -> str:
    """``"MOID 0.012 au · closest 3.1 LD · v∞ 12.4 km/s"``."""
    return (
        f"MOID {fmt_number(obj.moid, 3, ' au')} · closest {fmt_number(obj.ca_dist, 3, ' LD')} · "
        f"v∞ {fmt_number(obj.v_inf, 3, ' km/s')}"
    )


def fmt_number(value: float | None, digits: int = 3, unit: str = "") -> str:
    """A plain number to ``digits`` significant figures, with an optional unit."""
    value = safe.finite(value)
    if value is None:
        return NA
    return f"{value:.{digits}g}{unit}"


# --- time ---------------------------------------------------------------------------------


def utc_time(when: datetime | None) -> str:
    """An instant observers point at, explicitly in UTC: ``"2026-07-12 08:30 UTC"``
    (Discord's own timestamps show the reader's zone, beside tables in UTC)."""
    return NA if when is None else f"{when.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def utc_and_relative(when: datetime | None) -> str:
    """``"2026-07-12 08:30 UTC (<t:…:R>)"``: the instant, and how long ago or ahead."""
    return NA if when is None else f"{utc_time(when)} ({relative_time(when)})"


def relative_time(when: datetime | None) -> str:
    """Discord's relative timestamp (``<t:…:R>``, "3 hours ago" in the reader's locale)."""
    return NA if when is None else discord.utils.format_dt(when, "R")


def absolute_time(when: datetime | None) -> str:
    """Discord's short date-time in the reader's time zone."""
    return NA if when is None else discord.utils.format_dt(when, "f")


# --- links --------------------------------------------------------------------------------


def scout_url(designation: str) -> str:
    """The object's page on the CNEOS Scout site (Scout's own page for a designation
    too long to make a link of)."""
    if len(designation) > DESIGNATION_SHOWN_LIMIT:
        return SCOUT_PAGE
    return safe.url(_SCOUT_OBJECT.format(quote(designation, safe=""))) or SCOUT_PAGE


def neocp_url(designation: str) -> str:
    """The MPC's NEOCP page for the object (its observations, while it is on the NEOCP)."""
    if len(designation) > DESIGNATION_SHOWN_LIMIT:
        return NEOCP_PAGE
    return safe.url(_MPC_NEOCP_OBJECT.format(quote(designation, safe=""))) or NEOCP_PAGE


_MPC_SEARCH: Final = "https://www.minorplanetcenter.net/db_search/show_object?object_id={}"
# Where the MPC says what became of objects that left the NEOCP (designation, not
# confirmed, not a minor planet, with the MPEC).
PREVIOUS_NEOCP_PAGE: Final = "https://www.minorplanetcenter.net/iau/NEO/ToConfirm_PrevDes.html"


def removal_links(designation: str) -> str:
    """For an object that left the NEOCP, whose NEOCP and Scout pages no longer list it:
    the MPC's search for the designation and the previous-NEOCP page."""
    search = NEOCP_PAGE if len(designation) > DESIGNATION_SHOWN_LIMIT else None
    search = search or safe.url(_MPC_SEARCH.format(quote(designation, safe=""))) or NEOCP_PAGE
    return f"[MPC search]({search}) · [Previous NEOCP objects]({PREVIOUS_NEOCP_PAGE})"


def object_links(designation: str) -> str:
    """Markdown links to the object's Scout page, its NEOCP entry and the NEOCP list."""
    return (
        f"[Scout]({scout_url(designation)}) · [MPC NEOCP]({neocp_url(designation)}) · "
        f"[NEOCP list]({NEOCP_PAGE})"
    )


# --- colour -------------------------------------------------------------------------------

COLOUR_ALARM: Final = discord.Colour.red()  # rating moderate or elevated
COLOUR_HIGH: Final = discord.Colour.orange()  # rating modest, or a likely PHA
COLOUR_NEO: Final = discord.Colour.gold()  # probably a NEO
COLOUR_LOW: Final = discord.Colour.blue()  # probably not a NEO
COLOUR_UNKNOWN: Final = discord.Colour.light_grey()  # no score at all


def interest_colour(
    neo_score: int | None, rating: int | None, pha_score: int | None = None
) -> discord.Colour:
    """How urgently follow-up matters, as an embed colour: impact rating first, then scores."""
    rating, neo_score, pha_score = safe.rating(rating), safe.score(neo_score), safe.score(pha_score)
    if rating is not None and rating >= 3:
        return COLOUR_ALARM
    if (rating is not None and rating >= 1) or (pha_score is not None and pha_score >= 50):
        return COLOUR_HIGH
    if neo_score is None:
        return COLOUR_UNKNOWN
    if neo_score >= 50:
        return COLOUR_NEO
    return COLOUR_LOW


def object_colour(obj: ScoutObject) -> discord.Colour:
    return interest_colour(obj.neo_score, obj.rating, obj.pha_score)


# --- text fitting -------------------------------------------------------------------------


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """``text`` cut to at most ``limit`` characters, marked with an ellipsis when cut."""
    return safe.fit(text, limit, ellipsis)


def embed_length(embed: discord.Embed) -> int:
    """What Discord counts against the 6000-character total of an embed."""
    return len(embed)
