"""``/scout orbits``: the spread of Scout's sampled orbits, and every orbit as a CSV."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

import discord

from bot.render.common import (
    DATA_FOOTER,
    EMBED_TITLE_LIMIT,
    NA,
    object_colour,
    scout_url,
    shown,
    truncate,
)
from bot.render.reply import Attachment, Reply, safe_filename
from bot.scout.models import ObjectOrbits, SampledOrbit

# Definitions of the orbit classes (CNEOS): a NEO has q < 1.3 au; a PHA comes within
# 0.05 au of the Earth's orbit (MOID) and is bright enough (H <= 22) to be large.
NEO_MAX_Q: Final = 1.3
PHA_MAX_MOID: Final = 0.05
PHA_MAX_H: Final = 22.0


@dataclass(frozen=True)
class Spread:
    """Median and 5-95 % range of one quantity over the orbits that have it."""

    median: float
    low: float  # 5th percentile
    high: float  # 95th percentile
    count: int


@dataclass(frozen=True)
class OrbitStats:
    total: int
    q: Spread | None
    e: Spread | None
    i: Spread | None
    h: Spread | None
    moid: Spread | None
    dca: Spread | None  # close-approach distance, au (orbits that approach only)
    tca: Spread | None  # close-approach time, JD
    neo: int
    pha: int
    impacting: int
    geocentric: int


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    if not sorted_values:
        raise ValueError("no values")
    position = (len(sorted_values) - 1) * fraction
    below = math.floor(position)
    above = min(below + 1, len(sorted_values) - 1)
    weight = position - below
    return sorted_values[below] * (1 - weight) + sorted_values[above] * weight


def spread(values: Sequence[float | None]) -> Spread | None:
    known = sorted(v for v in values if v is not None and math.isfinite(v))
    if not known:
        return None
    return Spread(
        median=percentile(known, 0.5),
        low=percentile(known, 0.05),
        high=percentile(known, 0.95),
        count=len(known),
    )


def is_neo(orbit: SampledOrbit) -> bool:
    return orbit.qr is not None and orbit.qr < NEO_MAX_Q


def is_pha(orbit: SampledOrbit) -> bool:
    return (
        orbit.moid is not None
        and orbit.h is not None
        and orbit.moid <= PHA_MAX_MOID
        and orbit.h <= PHA_MAX_H
    )


def is_geocentric(orbit: SampledOrbit) -> bool:
    """Bound to the Earth: Scout gives a geocentric eccentricity below 1 only then.

    The 1E+99 sentinel (not geocentric) is already None in the model.
    """
    return orbit.geo_ecc is not None and orbit.geo_ecc < 1.0


def orbit_stats(orbits: Sequence[SampledOrbit]) -> OrbitStats:
    def count(test: Callable[[SampledOrbit], bool]) -> int:
        return sum(1 for orbit in orbits if test(orbit))

    return OrbitStats(
        total=len(orbits),
        q=spread([o.qr for o in orbits]),
        e=spread([o.ec for o in orbits]),
        i=spread([o.inc for o in orbits]),
        h=spread([o.h for o in orbits]),
        moid=spread([o.moid for o in orbits]),
        dca=spread([o.dca for o in orbits]),
        tca=spread([o.tca for o in orbits]),
        neo=count(is_neo),
        pha=count(is_pha),
        impacting=count(lambda o: o.impacts),
        geocentric=count(is_geocentric),
    )


def orbits_csv(result: ObjectOrbits) -> bytes:
    """Every orbit, every column Scout sent, in Scout's column order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.fields)
    for orbit in result.orbits:
        writer.writerow(["" if value is None else value for value in orbit.row(result.fields)])
    return buffer.getvalue().encode()


def orbits_filename(designation: str) -> str:
    return safe_filename(f"{designation}_orbits.csv")


def orbits_reply(result: ObjectOrbits) -> Reply:
    obj = result.object
    stats = orbit_stats(result.orbits)
    embed = discord.Embed(
        title=truncate(f"Sampled orbits of {shown(obj.designation)}", EMBED_TITLE_LIMIT),
        url=scout_url(obj.designation),
        colour=object_colour(obj),
    )
    embed.set_footer(text=DATA_FOOTER)
    if not stats.total:
        embed.description = f"Scout sent no sampled orbits for {shown(obj.designation)}."
        return Reply(embeds=[embed])
    stated = "" if result.count in (None, stats.total) else f" (Scout counts {result.count})"
    embed.description = (
        f"{stats.total} sampled {'orbit' if stats.total == 1 else 'orbits'}{stated}: "
        "median and 5-95 % range. Every orbit is in the CSV."
    )
    # Full width: a range such as "on 2026-07-16 19:43 (2026-06-28 23:55–2026-07-27 20:42)"
    # would wrap mid-figure in half an embed.
    embed.add_field(name="Elements", value=_elements(stats), inline=False)
    embed.add_field(name="Share of orbits", value=_shares(stats), inline=False)
    attachment = Attachment(
        orbits_filename(obj.designation), orbits_csv(result), "Every sampled orbit"
    )
    return Reply(embeds=[embed], attachments=[attachment])


# Fixed decimals per quantity, so the column reads evenly ("i 20.0°" beside "e 0.426").
_ELEMENT_ROWS: Final = (
    ("q", "q", " au", 3),
    ("e", "e", "", 3),
    ("i", "i", "°", 1),
    ("H", "h", "", 1),
    ("MOID", "moid", " au", 4),
)
LD_PER_AU: Final = 389.17
_UNIX_EPOCH_JD: Final = 2440587.5


def _elements(stats: OrbitStats) -> str:
    lines = [
        f"{name} {_spread(getattr(stats, attr), unit, decimals)}"
        for name, attr, unit, decimals in _ELEMENT_ROWS
    ]
    lines += _close_approach(stats)
    return "\n".join(lines)


def _spread(value: Spread | None, unit: str, decimals: int) -> str:
    if value is None:
        return NA
    return (
        f"**{value.median:.{decimals}f}**{unit} "
        f"({value.low:.{decimals}f}–{value.high:.{decimals}f})"
    )


def _close_approach(stats: OrbitStats) -> list[str]:
    """The spread of the closest approach in LD and of its date (UTC), for the orbits
    that approach; nothing when none does."""
    lines = []
    if stats.dca is not None:
        ld = Spread(
            stats.dca.median * LD_PER_AU,
            stats.dca.low * LD_PER_AU,
            stats.dca.high * LD_PER_AU,
            stats.dca.count,
        )
        lines.append(f"closest {_spread(ld, ' LD', 2)} in {ld.count} orbits")
    if stats.tca is not None:
        lines.append(
            f"on **{_jd_text(stats.tca.median)}** "
            f"({_jd_text(stats.tca.low)}–{_jd_text(stats.tca.high)}) UTC"
        )
    return lines


def _jd_text(jd: float) -> str:
    when = datetime.fromtimestamp((jd - _UNIX_EPOCH_JD) * 86400, tz=UTC)
    return f"{when:%Y-%m-%d %H:%M}"


def _shares(stats: OrbitStats) -> str:
    def share(count: int) -> str:
        percent = 100 * count / stats.total
        shown = f"{percent:.1f}" if 0 < percent < 10 else f"{percent:.0f}"
        return f"{shown} % ({count})"

    return (
        f"NEO (q < {NEO_MAX_Q:g} au) {share(stats.neo)}\n"
        f"PHA {share(stats.pha)}\n"
        f"impacting {share(stats.impacting)}\n"
        f"geocentric {share(stats.geocentric)}"
    )
