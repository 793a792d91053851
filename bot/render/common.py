"""Formats shared by every embed: scores, rating, magnitudes, arc, position, links, colours.

Every formatter takes the model's value as it is (``None`` included) and returns text ready
for an embed; ``None`` always reads ``"n/a"`` so a missing value never looks like zero.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final
from urllib.parse import quote

import discord

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

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits)
EMBED_TOTAL_LIMIT: Final = 6000
EMBED_TITLE_LIMIT: Final = 256
EMBED_DESCRIPTION_LIMIT: Final = 4096
EMBED_FIELD_LIMIT: Final = 25
EMBED_FIELD_NAME_LIMIT: Final = 256
EMBED_FIELD_VALUE_LIMIT: Final = 1024
EMBED_FOOTER_LIMIT: Final = 2048
MESSAGE_CONTENT_LIMIT: Final = 2000
MESSAGE_EMBEDS_LIMIT: Final = 10
MESSAGE_FILES_LIMIT: Final = 10


# --- numbers ------------------------------------------------------------------------------


def fmt_score(score: int | None) -> str:
    """A 0-100 Scout score: ``"100"``, ``"3"`` or ``"n/a"``."""
    return NA if score is None else str(score)


def fmt_scores(obj: ScoutObject) -> str:
    """The two scores observers look at first: ``"NEO 100 · PHA 3"``."""
    return f"NEO {fmt_score(obj.neo_score)} · PHA {fmt_score(obj.pha_score)}"


def rating_name(rating: int | None) -> str:
    """``0`` -> ``"negligible"`` ... ``4`` -> ``"elevated"``; None -> ``"n/a"``."""
    if rating is None:
        return NA
    return RATING_NAMES.get(rating, f"rating {rating}")


def fmt_rating(rating: int | None) -> str:
    """``"0 (negligible)"``; ``"n/a"`` when Scout gives none (arc too short)."""
    return NA if rating is None else f"{rating} ({rating_name(rating)})"


def fmt_mag(value: float | None) -> str:
    """A magnitude (V or H) to one decimal: ``"19.2"``."""
    return NA if value is None else f"{value:.1f}"


def fmt_arc(hours: float | None) -> str:
    """Scout's arc is in hours: under a day ``"1.1 h"``, else days ``"2.3 d"``."""
    if hours is None:
        return NA
    if hours < 24:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} d"


def fmt_ra(ra: str | None) -> str:
    """Scout's ``"HH:MM"`` R.A. as ``"20h25m"``."""
    if not ra:
        return NA
    hours, _, minutes = ra.strip().partition(":")
    return f"{hours}h{minutes}m" if minutes else ra.strip()


def fmt_dec(dec: str | None) -> str:
    """Scout's whole-degree ``"+09"`` Dec. as ``"+09°"``."""
    if not dec:
        return NA
    text = dec.strip()
    return text if text.endswith("°") else f"{text}°"


def fmt_radec(obj: ScoutObject) -> str:
    """``"20h25m -47°"``: Scout's coarse position at ``tEphem``."""
    return f"{fmt_ra(obj.ra)} {fmt_dec(obj.dec)}"


def fmt_rate(rate: float | None) -> str:
    """Plane-of-sky motion, arcseconds a minute: ``"4.8″/min"``."""
    if rate is None:
        return NA
    return f"{rate:.2f}″/min" if abs(rate) < 1 else f"{rate:.1f}″/min"


def fmt_arcmin(value: float | None) -> str:
    """An angle in arcminutes; degrees once it is large (uncertainties reach thousands)."""
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
    return NA if elong is None else f"{elong:.0f}°"


def fmt_number(value: float | None, digits: int = 3, unit: str = "") -> str:
    """A plain number to ``digits`` significant figures, with an optional unit."""
    if value is None:
        return NA
    return f"{value:.{digits}g}{unit}"


# --- time ---------------------------------------------------------------------------------


def relative_time(when: datetime | None) -> str:
    """Discord's relative timestamp (``<t:…:R>``, "3 hours ago" in the reader's locale)."""
    return NA if when is None else discord.utils.format_dt(when, "R")


def absolute_time(when: datetime | None) -> str:
    """Discord's short date-time in the reader's time zone."""
    return NA if when is None else discord.utils.format_dt(when, "f")


# --- links --------------------------------------------------------------------------------


def scout_url(designation: str) -> str:
    """The object's page on the CNEOS Scout site."""
    return _SCOUT_OBJECT.format(quote(designation, safe=""))


def neocp_url(designation: str) -> str:
    """The MPC's NEOCP page for the object (its observations, while it is on the NEOCP)."""
    return _MPC_NEOCP_OBJECT.format(quote(designation, safe=""))


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
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(ellipsis))] + ellipsis


def embed_length(embed: discord.Embed) -> int:
    """What Discord counts against the 6000-character total of an embed."""
    return len(embed)
