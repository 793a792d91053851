"""``/scout ephemeris``: a monospace table within an embed's width, a CSV of everything."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import discord

from bot.render import safe
from bot.render.common import (
    DATA_FOOTER,
    EMBED_DESCRIPTION_LIMIT,
    EMBED_TITLE_LIMIT,
    NA,
    object_colour,
    scout_url,
    shown,
    truncate,
)
from bot.render.reply import Attachment, Reply, safe_filename
from bot.scout.models import Ephemeris, EphemerisRecord
from bot.sky.observatories import catalogue as observatory_catalogue

GEOCENTRIC: Final = "500"

# Scout's sun-flag (absent at night and for geocentric ephemerides).
SUN_FLAGS: Final[dict[str | None, str]] = {
    None: "night",
    "a": "astronomical twilight",
    "n": "nautical twilight",
    "c": "civil twilight",
    "*": "daylight",
}
_SUN_LEGEND: Final = "– night, a astronomical, n nautical, c civil twilight, * day."


@dataclass(frozen=True)
class Column:
    title: str
    width: int
    cell: Any  # Callable[[EphemerisRecord], str]; Any keeps the table literal readable


def _median(name: str, fmt: str) -> Any:
    def cell(record: EphemerisRecord) -> str:
        value = record.median.get(name)
        return "–" if value is None else format(value, fmt)

    return cell


def _sigma(record: EphemerisRecord) -> str:
    value = record.sigma_pos
    if value is None:
        return "–"
    return f"{value:.2f}" if value < 10 else f"{value:.3g}" if value < 1000 else f"{value:.0f}"


def _rate(record: EphemerisRecord) -> str:
    """Three significant figures, but never wider than 5 (``1.23e+03`` would be 8)."""
    value = record.median.get("rate")
    if value is None:
        return "–"
    return format(value, ".3g") if abs(value) < 100 else f"{value:.0f}"


def _sun(record: EphemerisRecord) -> str:
    return record.sun_flag or "–"


# Within 55 characters, what fits an embed on a desktop without wrapping: the columns an
# observer points with. Elongation, Moon distance, limits and the rest are in the CSV.
TABLE_WIDTH: Final = 55

_GEOCENTRIC_COLUMNS: Final = (
    Column("UTC", 11, lambda r: r.time.strftime("%m-%d %H:%M")),
    Column("R.A.", 10, lambda r: ra_hms(r.ra)),
    Column("Dec.", 9, lambda r: dec_dms(r.dec)),
    Column("V", 4, _median("vmag", ".1f")),
    Column('"/min', 5, _rate),
    Column("PA", 3, _median("pa", ".0f")),
    Column("σ'", 5, _sigma),
)
_TOPOCENTRIC_COLUMNS: Final = (
    *_GEOCENTRIC_COLUMNS[:-1],
    Column("Alt", 3, _median("el", ".0f")),
    Column("S", 1, _sun),
)


# --- sexagesimal --------------------------------------------------------------------------


def ra_hms(degrees: float | None) -> str:
    """Decimal degrees as ``"20 51 33.2"`` (hours, minutes, seconds to 0.1 s)."""
    if degrees is None or not math.isfinite(degrees):
        return "–"
    tenths = round((degrees % 360.0) / 15.0 * 36_000)  # tenths of a second of time
    tenths %= 24 * 36_000
    hours, rest = divmod(tenths, 36_000)
    minutes, rest = divmod(rest, 600)
    return f"{hours:02d} {minutes:02d} {rest / 10:04.1f}"


def dec_dms(degrees: float | None) -> str:
    """Decimal degrees as ``"-07 42 05"`` (whole arcseconds)."""
    if degrees is None or not math.isfinite(degrees):
        return "–"
    sign = "-" if degrees < 0 else "+"
    seconds = round(abs(degrees) * 3600)
    whole, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{whole:02d} {minutes:02d} {seconds:02d}"


# --- the table ----------------------------------------------------------------------------


def ephemeris_table(
    records: Sequence[EphemerisRecord], *, topocentric: bool, limit: int = EMBED_DESCRIPTION_LIMIT
) -> str:
    """The records as a code block of at most ``limit`` characters.

    Rows that do not fit are left out and counted in a last line pointing to the CSV.
    """
    if not records:
        return "No ephemeris times in Scout's answer."
    columns = _TOPOCENTRIC_COLUMNS if topocentric else _GEOCENTRIC_COLUMNS
    lines = [_line(columns, [column.title for column in columns])]
    lines += [_line(columns, [column.cell(record) for column in columns]) for record in records]
    # Start from the most rows whose bare text fits, then make room for the fences and note.
    shown, used = 0, 0
    while shown < len(lines) and used + len(lines[shown]) + 1 <= limit:
        used += len(lines[shown]) + 1
        shown += 1
    shown = max(shown, 1)
    while shown > 1 and len(_table(lines, shown)) > limit:
        shown -= 1
    return _table(lines, shown)


def _table(lines: Sequence[str], shown: int) -> str:
    """The header and the first ``shown - 1`` rows in a code block, and what was left out."""
    table = "```\n" + "\n".join(lines[:shown]) + "\n```"
    hidden = len(lines) - shown
    if hidden:
        table += f"\n… {hidden} more rows in the CSV"
    return table


def _line(columns: Sequence[Column], cells: Sequence[str]) -> str:
    fitted = [_fitted(column, text) for column, text in zip(columns, cells, strict=True)]
    padded = [
        text.ljust(column.width) if column.title == "UTC" else text.rjust(column.width)
        for column, text in zip(columns, fitted, strict=True)
    ]
    return " ".join(padded).rstrip()


def _fitted(column: Column, text: str) -> str:
    """Scout bounds none of these values: one too wide would push every column out of line,
    so it shows as a spreadsheet does, ``####``, and the CSV has it."""
    return text if len(text) <= column.width else "#" * column.width


# --- CSV ----------------------------------------------------------------------------------


def ephemeris_csv(eph: Ephemeris) -> bytes:
    """Every column of every record: median, limits, sigma-limits, anything else, FoV values."""
    header, rows = eph.table()
    fov_keys = _fov_keys(eph.records)
    header = [*header, *(f"fov_{key}" for key in fov_keys)]
    full_rows = []
    for record, row in zip(eph.records, rows, strict=True):
        fov_values = record.fov.raw if record.fov is not None else {}
        full_rows.append([*row, *(fov_values.get(key) for key in fov_keys)])
    return _csv(header, full_rows)


def ephemeris_orbits_csv(eph: Ephemeris) -> bytes | None:
    """One row per sampled orbit per time (``orbits=1``); None when Scout sent none."""
    if not any(record.orbit_rows for record in eph.records):
        return None
    fields: dict[str, None] = dict.fromkeys(eph.data_fields)
    for record in eph.records:
        for orbit in record.orbit_rows:
            fields.update(dict.fromkeys(orbit))
    header = ["time", "orbit", *fields]
    rows = [
        [record.time.strftime("%Y-%m-%d %H:%M:%S"), number, *(orbit.get(f) for f in fields)]
        for record in eph.records
        for number, orbit in enumerate(record.orbit_rows)
    ]
    return _csv(header, rows)


def _fov_keys(records: Iterable[EphemerisRecord]) -> list[str]:
    keys: dict[str, None] = {}
    for record in records:
        if record.fov is not None:
            keys.update(dict.fromkeys(str(key) for key in record.fov.raw))
    return list(keys)


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode()


def _csv_cell(value: Any) -> Any:
    """Empty for a missing value; numbers as Python writes them (full precision)."""
    return "" if value is None else value


# --- replies ------------------------------------------------------------------------------


def site_name(obs_code: str, label: str | None = None) -> str:
    """The team's name for its site ("Mt. Lemmon (G96)"), else the MPC's, else the code."""
    if obs_code == GEOCENTRIC:
        return "the geocentre (500)"
    if label:
        return safe.text(label, limit=120)
    known = observatory_catalogue().get(obs_code)
    return f"{safe.text(known.name, limit=100)} ({obs_code})" if known else f"site {obs_code}"


def ephemeris_reply(
    eph: Ephemeris, *, obs_code: str = GEOCENTRIC, site_label: str | None = None
) -> Reply:
    """The table in an embed, and the CSVs of everything Scout sent."""
    designation = eph.object.designation
    name = shown(designation)
    topocentric = obs_code != GEOCENTRIC or any(
        record.sun_flag or record.el is not None for record in eph.records
    )
    embed = discord.Embed(
        title=truncate(
            f"Ephemeris of {name} from {site_name(obs_code, site_label)}", EMBED_TITLE_LIMIT
        ),
        url=scout_url(designation),
        colour=object_colour(eph.object),
    )
    notes = _table_notes(eph, topocentric=topocentric)
    embed.description = ephemeris_table(
        eph.records, topocentric=topocentric, limit=EMBED_DESCRIPTION_LIMIT - len(notes) - 1
    )
    embed.description += "\n" + notes
    embed.set_footer(text=f"Times UTC · {DATA_FOOTER}")
    attachments = [
        Attachment(
            safe_filename(f"{designation}_ephemeris_{obs_code}.csv"),
            ephemeris_csv(eph),
            "Every ephemeris column, limits included",
        )
    ]
    orbits = ephemeris_orbits_csv(eph)
    if orbits is not None:
        attachments.append(
            Attachment(
                safe_filename(f"{designation}_ephemeris_orbits.csv"),
                orbits,
                "Every sampled orbit's position at each time",
            )
        )
    return Reply(embeds=[embed], attachments=attachments)


def _table_notes(eph: Ephemeris, *, topocentric: bool) -> str:
    orbits = NA if eph.orbit_count is None else str(eph.orbit_count)
    notes = (
        f"Times UTC. Median of {orbits} sampled orbits. Rate in arcsec/min, PA in degrees, "
        "σ' the 1-σ position uncertainty in arcmin. Elongation, Moon distance and every "
        "other column, limits included, are in the CSV."
    )
    if topocentric:
        notes += f"\nAlt in degrees; S the Sun: {_SUN_LEGEND}"
    return notes
