"""The sky over a team's telescopes: MPC sites, Sun and Moon, dark windows, which NEOCP
objects a site can reach, and in what order to go for them. Pure: no Discord, no I/O
beyond reading the installed ephemeris and observatory list."""

from bot.sky.models import DEFAULT_MIN_ALTITUDE, Location, Site, Twilight
from bot.sky.night import DarkWindow
from bot.sky.observability import Assessment, LeftOut, Limits, Visibility
from bot.sky.observatories import Observatory, parse_code, search, site_observatory
from bot.sky.plan import (
    Candidate,
    Tonight,
    TonightSort,
    location_of,
    observable_within,
    plan_tonight,
    sky_of,
    tonight_window,
)
from bot.sky.priority import FORMULA, Priority

__all__ = [
    "DEFAULT_MIN_ALTITUDE",
    "FORMULA",
    "Assessment",
    "Candidate",
    "DarkWindow",
    "LeftOut",
    "Limits",
    "Location",
    "Observatory",
    "Priority",
    "Site",
    "Tonight",
    "TonightSort",
    "Twilight",
    "Visibility",
    "location_of",
    "observable_within",
    "parse_code",
    "plan_tonight",
    "search",
    "site_observatory",
    "sky_of",
    "tonight_window",
]
