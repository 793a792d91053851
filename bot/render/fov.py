"""``/scout fov``: the odds that the object is in the observer's field, where to centre it,
and, when the odds are low, what field or mosaic would reach 90 %.

Every figure carries its unit; the odds are stated once (Scout's raw field block would
repeat them); there is no attachment: the answer is one time, all of it shown.
"""

from __future__ import annotations

import discord

from bot.render import safe
from bot.render.common import (
    DATA_FOOTER,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_TITLE_LIMIT,
    NA,
    fmt_number,
    object_colour,
    scout_url,
    shown,
    truncate,
    utc_time,
)
from bot.render.ephemeris import GEOCENTRIC, site_name
from bot.render.reply import Reply
from bot.scout.models import Ephemeris, EphemerisRecord, FieldOfView
from bot.scout.validation import FieldOfViewRequest
from bot.sky.field import MAX_MOSAIC, TARGET, FieldFor90, field_for_90


def fov_reply(
    eph: Ephemeris,
    pointing: FieldOfViewRequest,
    *,
    obs_code: str = GEOCENTRIC,
    site_label: str | None = None,
) -> Reply:
    """The odds, the centre, the field for 90 %, and what they rest on."""
    designation = eph.object.designation
    record = eph.records[0] if eph.records else None
    fov = record.fov if record is not None and record.fov is not None else eph.fov
    odds = _odds(eph, fov)
    lines = [_odds_sentence(eph, fov, odds, pointing, record)]
    if record is not None:
        lines.append(_centre_sentence(record, pointing))
        if odds is not None and odds < TARGET:
            sizing = field_for_90(
                record, pointing.diameter_arcmin, pointing.vmag, orbit_count=eph.orbit_count
            )
            if sizing is not None:
                lines.append(_for_90_sentence(sizing, pointing))
    embed = discord.Embed(
        title=truncate(f"Is {shown(designation)} in your field?", EMBED_TITLE_LIMIT),
        url=scout_url(designation),
        colour=object_colour(eph.object),
        description="\n".join(lines),
    )
    # Full-width fields: two side by side would wrap a site's name mid-phrase.
    field = _field(pointing, obs_code, site_label, record)
    embed.add_field(name="Your field", value=field, inline=False)
    if record is not None:
        embed.add_field(name="Object (median)", value=_median(record), inline=False)
    if odds is None and fov is not None and fov.raw:
        # Nothing the bot can read as odds: Scout's own words, rather than a guess.
        embed.add_field(name="Scout's field answer", value=_raw(fov), inline=False)
    embed.set_footer(text=f"Times UTC · {DATA_FOOTER}")
    return Reply(embeds=[embed])


def _odds(eph: Ephemeris, fov: FieldOfView | None) -> float | None:
    if fov is None:
        return None
    if fov.probability is not None:
        return fov.probability
    if fov.count is not None and eph.orbit_count:
        return fov.count / eph.orbit_count  # Scout counted the orbits in the field
    return None


def _odds_sentence(
    eph: Ephemeris,
    fov: FieldOfView | None,
    odds: float | None,
    pointing: FieldOfViewRequest,
    record: EphemerisRecord | None,
) -> str:
    designation = shown(eph.object.designation)
    when = "" if record is None else f" at {utc_time(record.time)}"
    brighter = "" if pointing.vmag is None else f", brighter than V {pointing.vmag:g},"
    field = f"your {arcmin(pointing.diameter_arcmin)} field"
    if fov is None:
        return f"Scout gave no field-of-view answer for {designation}{when}."
    total = eph.orbit_count
    if odds is not None:
        of = ""
        if fov.count is not None and total:
            of = f" ({fov.count:.0f} of {total} sampled orbits)"
        return f"**{percent(odds)}** chance that {designation} is in {field}{brighter}{when}{of}."
    if fov.count is not None:
        of = f" of {total}" if total else ""
        return (
            f"**{fov.count:.0f}**{of} sampled orbits put {designation} in {field}{brighter}{when}."
        )
    return f"Scout's answer for {field}{when} is below; it states no odds the bot can read."


def _centre_sentence(record: EphemerisRecord, pointing: FieldOfViewRequest) -> str:
    median = radec(record.ra, record.dec)
    if pointing.ra_deg is None or pointing.dec_deg is None:
        return f"Centre on {median} (median of the sampled orbits)."
    return (
        f"Your centre: {radec(pointing.ra_deg, pointing.dec_deg)}. "
        f"The median of the sampled orbits is at {median}."
    )


def _for_90_sentence(sizing: FieldFor90, pointing: FieldOfViewRequest) -> str:
    if sizing.diameter_arcmin is None:
        assert pointing.vmag is not None  # only a magnitude limit leaves orbits out
        return (
            f"No field reaches {percent(TARGET)}: only {percent(sizing.bright_share)} of the "
            f"{sizing.orbits} sampled orbits are brighter than V {pointing.vmag:g}."
        )
    field = f"a {arcmin(sizing.diameter_arcmin)} field centred on the median"
    if sizing.mosaic is None:
        return (
            f"{percent(TARGET)} needs {field} (more than {MAX_MOSAIC}×{MAX_MOSAIC} "
            "pointings of your field)."
        )
    if sizing.mosaic == 1:
        return f"Centred on the median, your field would reach {percent(TARGET)} ({field} does)."
    k = sizing.mosaic
    return (
        f"{percent(TARGET)} needs {field}, or a {k}×{k} mosaic of your field "
        f"({k * k} pointings, {arcmin(sizing.tile_arcmin)} apart)."
    )


def _field(
    pointing: FieldOfViewRequest, obs_code: str, label: str | None, record: EphemerisRecord | None
) -> str:
    limit = f"V {pointing.vmag:g} or brighter" if pointing.vmag is not None else "no V limit"
    lines = [
        f"{arcmin(pointing.diameter_arcmin)} across · {limit}",
        f"from {site_name(obs_code, label)}",
    ]
    if record is not None:
        lines.append(f"at {record.time:%Y-%m-%d %H:%M:%S} UTC")
    return "\n".join(lines)


def _median(record: EphemerisRecord) -> str:
    pa = record.median.get("pa")
    direction = "" if pa is None else f" toward PA {pa:.0f}°"
    return (
        f"V {fmt_number(record.vmag, 3)}\n"
        f"moving {fmt_number(record.median.get('rate'), 3)}″/min{direction}\n"
        f"1-σ uncertainty {fmt_number(record.sigma_pos, 3)}′"
    )


def _raw(fov: FieldOfView) -> str:
    text = "\n".join(f"{safe.text(key)}: {safe.text(value)}" for key, value in fov.raw.items())
    return truncate(text, EMBED_FIELD_VALUE_LIMIT) or NA


# --- figures with their units ---------------------------------------------------------------


def percent(share: float) -> str:
    value = share * 100
    if 0 < value < 0.1:
        return "< 0.1 %"
    return f"{value:.1f} %" if value < 10 else f"{value:.0f} %"


def arcmin(value: float) -> str:
    """``"30′"``, ``"4.5′"``, ``"2.3°"`` past two degrees."""
    if value >= 120:
        return f"{value / 60:.1f}°"
    return f"{value:.0f}′" if value >= 10 else f"{value:.2g}′"


def radec(ra: float | None, dec: float | None) -> str:
    """``"R.A. 20:51:33.2, Dec. -07°42′05″"``: the units an observer types into a mount."""
    if ra is None or dec is None:
        return "R.A. n/a, Dec. n/a"
    tenths = round((ra % 360.0) / 15.0 * 36_000) % (24 * 36_000)
    hours, rest = divmod(tenths, 36_000)
    minutes, rest = divmod(rest, 600)
    seconds = round(abs(dec) * 3600)
    degrees, rest_dec = divmod(seconds, 3600)
    arcmins, arcsecs = divmod(rest_dec, 60)
    sign = "-" if dec < 0 else "+"
    return (
        f"R.A. {hours:02d}:{minutes:02d}:{rest / 10:04.1f}, "
        f"Dec. {sign}{degrees:02d}°{arcmins:02d}′{arcsecs:02d}″"
    )
