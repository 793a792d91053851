"""Scout's parameters one value at a time: designations, plot kinds, orbit counts, times,
steps, site codes and the field of view, each checked without I/O.

A value that breaks a rule of the Scout API document (version 1.3) is refused with a
sentence the user understands. Whole requests, and the rules between values, are in
``bot.scout.validation``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from bot.errors import InvalidInput
from bot.scout.models import PLOT_KINDS

MAX_ORBITS = 1000
MAX_FOV_DIAMETER_ARCMIN = 1800.0
MAX_FOV_VMAG = 40.0
# NEOCP temporary designations are one to seven letters and digits (neocp.txt columns
# 1-7), case-sensitive: "P10vY9r", "A11EBEK", "ZTF10DD", "6J12821".
_DESIGNATION = re.compile(r"[A-Za-z0-9]{1,7}")
# MPC observatory codes: three characters, a digit or capital letter then two digits.
_OBS_CODE = re.compile(r"[0-9A-Z][0-9]{2}")
# YYYY-MM-DD, optionally followed by " ", "_" or "T" and hh:mm:ss (the document's
# formats); hh:mm alone and a trailing Z are accepted too and sent in full form.
_TIME = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[ _T](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?)?Z?"
)
_STEP = re.compile(r"0*(?P<n>[1-9][0-9]*)\s*(?P<unit>[dhm])")
_STEP_SECONDS = {"d": 86_400, "h": 3_600, "m": 60}
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_RA_SEXAGESIMAL = re.compile(
    r"(?P<a>\d{1,2})(?P<sep>[: ])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,2}(?:\.\d*)?)"
)
_DEC_SEXAGESIMAL = re.compile(
    r"(?P<sign>[+-])?(?P<a>\d{1,2})(?P<sep>[-: ])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,2}(?:\.\d*)?)"
)
_BOOLEAN_VALUES = {"true": True, "1": True, "false": False, "0": False}


def validate_designation(text: str) -> str:
    """The designation, trimmed; InvalidInput unless it is a NEOCP temporary designation."""
    designation = text.strip()
    if not designation:
        raise InvalidInput("Give the object's NEOCP designation, for example P10vY9r.")
    if not _DESIGNATION.fullmatch(designation):
        raise InvalidInput(
            f"`{quoted(designation)}` is not a NEOCP designation: those are one to seven "
            "letters and digits, for example P10vY9r."
        )
    return designation


def parse_plot_kinds(text: str) -> frozenset[str]:
    """Plot kinds from "el", "ca:el", "el, sr" or "all"; duplicates are ignored."""
    words = [word for word in re.split(r"[:,;+\s]+", text.strip().lower()) if word]
    if words == ["all"]:
        return PLOT_KINDS
    if "all" in words:
        raise InvalidInput("Choose `all` alone, or some of el, ca and sr.")
    return validate_plot_kinds(words)


def validate_plot_kinds(kinds: Collection[str]) -> frozenset[str]:
    """The kinds as a set; InvalidInput if empty or if one is not el, ca or sr."""
    chosen = frozenset(kinds)
    if not chosen:
        raise InvalidInput("Choose plot kinds: el (elements), ca (close approach), sr or all.")
    unknown = sorted(chosen - PLOT_KINDS)
    if unknown:
        raise InvalidInput(
            f"Unknown plot kind `{quoted(unknown[0])}`: choose el (orbital elements), "
            "ca (close approach), sr (systematic ranging) or all, joined with `:`."
        )
    return chosen


def validate_orbit_count(count: int) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_ORBITS:
        raise InvalidInput(f"The number of orbits must be a whole number from 1 to {MAX_ORBITS}.")
    return count


def parse_time(text: str, *, what: str = "time", now: datetime | None = None) -> datetime:
    """A UTC time in one of the document's formats (YYYY-MM-DD[ hh:mm:ss]).

    The refusal's example is tomorrow's, so that copying it gives a time Scout accepts
    (within 30 days of ``now``) whenever the refusal is read.
    """
    match = _TIME.fullmatch(text.strip())
    if match is None:
        raise InvalidInput(
            f"The {what} `{quoted(text)}` is not a time I can read: use `now`, YYYY-MM-DD "
            f"or YYYY-MM-DD hh:mm:ss (UTC), for example {example_time(now)}."
        )
    parts = {key: int(value) for key, value in match.groupdict(default="0").items()}
    try:
        return datetime(
            parts["y"], parts["mo"], parts["d"], parts["h"], parts["mi"], parts["s"], tzinfo=UTC
        )
    except ValueError:
        raise InvalidInput(f"The {what} `{quoted(text)}` is not a real date and time.") from None


def example_time(now: datetime | None = None) -> str:
    """Tomorrow at the same full hour, in the document's format: ``2026-07-13 21:00:00``."""
    tomorrow = (now or datetime.now(UTC)).astimezone(UTC) + timedelta(days=1)
    return f"{tomorrow:%Y-%m-%d %H}:00:00"


def parse_step(text: str) -> tuple[str, int]:
    """``eph-step`` as Scout wants it ("2h") and its length in seconds."""
    match = _STEP.fullmatch(text.strip().lower())
    if match is None:
        raise InvalidInput(
            f"The step `{quoted(text)}` must be a positive whole number followed by d, h "
            "or m, for example 30m, 2h or 1d."
        )
    count, unit = int(match["n"]), match["unit"]
    return f"{count}{unit}", count * _STEP_SECONDS[unit]


def validate_obs_code(text: str) -> str:
    code = text.strip().upper()
    if not _OBS_CODE.fullmatch(code):
        raise InvalidInput(
            f"`{quoted(text)}` is not an MPC observatory code: those are three characters "
            "such as 500 (geocentric), 568 or F51."
        )
    return code


def parse_fov_diameter(value: float | str) -> float:
    diameter = round(_number(value, "The field diameter"), 6)  # as it will be sent
    if not 0.0 < diameter <= MAX_FOV_DIAMETER_ARCMIN:
        raise InvalidInput(
            "The field diameter must be more than 0 and at most "
            f"{MAX_FOV_DIAMETER_ARCMIN:g} arcminutes."
        )
    return diameter


def parse_fov_vmag(value: float | str) -> float:
    vmag = round(_number(value, "The limiting magnitude"), 6)  # as it will be sent
    if not 0.0 <= vmag <= MAX_FOV_VMAG:
        raise InvalidInput(f"The limiting V magnitude must be from 0 to {MAX_FOV_VMAG:g}.")
    return vmag


def parse_fov_ra(value: float | str) -> float:
    """The field centre's R.A. in degrees, from degrees [0, 360) or hh:mm:ss.s [0, 24) h."""
    text = str(value).strip()
    if _NUMBER.fullmatch(text):
        degrees = float(text)
        if not 0.0 <= degrees < 360.0:
            raise InvalidInput("The field's R.A. in degrees must be from 0 up to (not) 360.")
        return _sent_precision(degrees) % 360.0
    match = _RA_SEXAGESIMAL.fullmatch(text)
    if match is None:
        raise InvalidInput(
            f"The field's R.A. `{quoted(text)}` must be decimal degrees (123.45) or hours "
            "as hh:mm:ss.s or hh mm ss.s (08:13:49.5)."
        )
    hours, minutes, seconds = int(match["a"]), int(match["b"]), float(match["c"])
    if hours >= 24 or minutes >= 60 or seconds >= 60:
        raise InvalidInput(
            "The field's R.A. in hours must be below 24h, with minutes and seconds below 60."
        )
    return _sent_precision((hours + minutes / 60 + seconds / 3600) * 15.0) % 360.0


def parse_fov_dec(value: float | str) -> float:
    """The field centre's Dec. in degrees, from ±degrees or ±dd-mm-ss / dd mm ss; |Dec| < 90."""
    text = str(value).strip()
    if _NUMBER.fullmatch(text):
        degrees = float(text)
    else:
        match = _DEC_SEXAGESIMAL.fullmatch(text)
        if match is None:
            raise InvalidInput(
                f"The field's Dec. `{quoted(text)}` must be decimal degrees (-12.5) or "
                "±dd-mm-ss or ±dd mm ss (-12-30-00)."
            )
        minutes, seconds = int(match["b"]), float(match["c"])
        if minutes >= 60 or seconds >= 60:
            raise InvalidInput("The field's Dec. minutes and seconds must be below 60.")
        degrees = int(match["a"]) + minutes / 60 + seconds / 3600
        degrees = -degrees if match["sign"] == "-" else degrees
    degrees = _sent_precision(degrees)
    if not abs(degrees) < 90.0:
        raise InvalidInput("The field's Dec. must lie between -90 and +90 degrees (exclusive).")
    return degrees


def parse_flag(value: str, name: str) -> bool:
    flag = _BOOLEAN_VALUES.get(value.strip().lower())
    if flag is None:
        raise InvalidInput(f"`{name}` must be true, false, 1 or 0.")
    return flag


def _number(value: float | str, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{what} must be a number, not `{quoted(str(value))}`.") from None
    if not math.isfinite(number):
        raise InvalidInput(f"{what} must be a finite number.")
    return number


def _sent_precision(degrees: float) -> float:
    """Degrees as they will be sent (6 decimals, 4 milliarcseconds), so that the range is
    checked on the value Scout sees: 359.9999999 is sent as 360 otherwise."""
    return round(degrees, 6) + 0.0  # + 0.0 turns -0.0 into 0.0


def quoted(text: str) -> str:
    """User text quoted back, cut short and without backticks that would break formatting."""
    text = text.replace("`", "'")
    return text if len(text) <= 40 else text[:39] + "…"
