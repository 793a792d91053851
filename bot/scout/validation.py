"""Every rule the Scout API document states about its parameters, checked without I/O.

A request that breaks a rule is refused here with a sentence the user understands, so
nothing malformed ever reaches Scout. The rules follow the API document (version 1.3):
designations, plot kinds, ``n-orbits`` 1..1000, time formats within 30 days of now, a
stop after the start, ``eph-step`` ``N[dhm]`` needing start and stop, at most 500
ephemeris records, MPC site codes, the field-of-view bounds and dependencies, and no
mixing of object and ephemeris parameters.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.errors import InvalidInput
from bot.scout.models import PLOT_KINDS

MAX_EPHEMERIS_RECORDS = 500  # the API refuses more
MAX_EPHEMERIS_DAYS = 30  # ephemeris times must lie within this many days of now
MAX_ORBITS = 1000
MAX_FOV_DIAMETER_ARCMIN = 1800.0
MAX_FOV_VMAG = 40.0
GEOCENTRIC = "500"

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

OBJECT_PARAMS = frozenset({"plot", "file"})
EPHEMERIS_PARAMS = frozenset(
    {
        "eph-start",
        "eph-stop",
        "eph-step",
        "obs-code",
        "fov-diam",
        "fov-ra",
        "fov-dec",
        "fov-vmag",
        "ranges",
    }
)
SHARED_PARAMS = frozenset({"tdes", "orbits", "n-orbits"})  # object and ephemeris modes
KNOWN_PARAMS = OBJECT_PARAMS | EPHEMERIS_PARAMS | SHARED_PARAMS
FILE_VALUES = frozenset({"list", "mpc"})


# --- single values ---------------------------------------------------------------------------


def validate_designation(text: str) -> str:
    """The designation, trimmed; InvalidInput unless it is a NEOCP temporary designation."""
    designation = text.strip()
    if not designation:
        raise InvalidInput("Give the object's NEOCP designation, for example P10vY9r.")
    if not _DESIGNATION.fullmatch(designation):
        raise InvalidInput(
            f"`{_shown(designation)}` is not a NEOCP designation: those are one to seven "
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
            f"Unknown plot kind `{_shown(unknown[0])}`: choose el (orbital elements), "
            "ca (close approach), sr (systematic ranging) or all, joined with `:`."
        )
    return chosen


def validate_orbit_count(count: int) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_ORBITS:
        raise InvalidInput(f"The number of orbits must be a whole number from 1 to {MAX_ORBITS}.")
    return count


def parse_time(text: str, *, what: str = "time") -> datetime:
    """A UTC time in one of the document's formats (YYYY-MM-DD[ hh:mm:ss])."""
    match = _TIME.fullmatch(text.strip())
    if match is None:
        raise InvalidInput(
            f"The {what} `{_shown(text)}` is not a time I can read: use `now`, YYYY-MM-DD "
            "or YYYY-MM-DD hh:mm:ss (UTC), for example 2026-07-12 21:30:00."
        )
    parts = {key: int(value) for key, value in match.groupdict(default="0").items()}
    try:
        return datetime(
            parts["y"], parts["mo"], parts["d"], parts["h"], parts["mi"], parts["s"], tzinfo=UTC
        )
    except ValueError:
        raise InvalidInput(f"The {what} `{_shown(text)}` is not a real date and time.") from None


def parse_step(text: str) -> tuple[str, int]:
    """``eph-step`` as Scout wants it ("2h") and its length in seconds."""
    match = _STEP.fullmatch(text.strip().lower())
    if match is None:
        raise InvalidInput(
            f"The step `{_shown(text)}` must be a positive whole number followed by d, h "
            "or m, for example 30m, 2h or 1d."
        )
    count, unit = int(match["n"]), match["unit"]
    return f"{count}{unit}", count * _STEP_SECONDS[unit]


def validate_obs_code(text: str) -> str:
    code = text.strip().upper()
    if not _OBS_CODE.fullmatch(code):
        raise InvalidInput(
            f"`{_shown(text)}` is not an MPC observatory code: those are three characters "
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
            f"The field's R.A. `{_shown(text)}` must be decimal degrees (123.45) or hours "
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
                f"The field's Dec. `{_shown(text)}` must be decimal degrees (-12.5) or "
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


# --- whole requests --------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectRequest:
    """An object-mode request: the record, with plots, a data file or sampled orbits."""

    designation: str
    plot_kinds: frozenset[str] = frozenset()
    file: str | None = None  # "list" or "mpc"
    orbits: bool = False
    n_orbits: int | None = None

    def params(self) -> dict[str, str]:
        params = {"tdes": self.designation}
        if self.plot_kinds:
            params["plot"] = ":".join(sorted(self.plot_kinds))
        if self.file is not None:
            params["file"] = self.file
        if self.orbits:
            params["orbits"] = "1"
        if self.n_orbits is not None:
            params["n-orbits"] = str(self.n_orbits)
        return params


@dataclass(frozen=True)
class FieldOfViewRequest:
    diameter_arcmin: float
    ra_deg: float | None = None  # None: centred on the median position
    dec_deg: float | None = None
    vmag: float | None = None


@dataclass(frozen=True)
class EphemerisQuery:
    """A validated ephemeris-mode request. Build it with :meth:`build`, never directly."""

    designation: str
    start: datetime | None  # None: "now"
    stop: datetime | None
    step: str | None
    obs_code: str
    fov: FieldOfViewRequest | None
    ranges: bool
    orbits: bool
    n_orbits: int | None
    record_count: int  # how many ephemeris records Scout will return

    @classmethod
    def build(
        cls,
        designation: str,
        *,
        start: str | datetime | None = "now",
        stop: str | datetime | None = None,
        step: str | None = None,
        obs_code: str | None = None,
        fov_diam: float | str | None = None,
        fov_ra: float | str | None = None,
        fov_dec: float | str | None = None,
        fov_vmag: float | str | None = None,
        ranges: bool = False,
        orbits: bool = False,
        n_orbits: int | None = None,
        now: datetime | None = None,
    ) -> EphemerisQuery:
        """Check every rule of the document; InvalidInput with a sentence on the first broken.

        ``start`` is "now" (or None/empty) or a UTC time; ``now`` is injectable for tests.
        """
        now = (now or datetime.now(UTC)).astimezone(UTC)
        designation = validate_designation(designation)
        start_time = _time_or_now(start, "start")
        stop_time = None if stop is None else _time_or_now(stop, "stop")
        if stop is not None and stop_time is None:
            raise InvalidInput("The stop time must be a date and time (UTC), not `now`.")
        for what, moment in (("start", start_time), ("stop", stop_time)):
            if moment is not None and abs(moment - now) > timedelta(days=MAX_EPHEMERIS_DAYS):
                raise InvalidInput(
                    f"The {what} time must be within {MAX_EPHEMERIS_DAYS} days of now "
                    f"({now:%Y-%m-%d %H:%M} UTC): Scout computes no further."
                )
        first = start_time or now
        if stop_time is not None and stop_time <= first:
            raise InvalidInput("The stop time must be later than the start time.")
        step_text, step_seconds = (None, 0)
        if step is not None:
            if stop_time is None:
                raise InvalidInput("A step needs a stop time too (and a start).")
            step_text, step_seconds = parse_step(step)
        records = _record_count(first, stop_time, step_seconds)
        if records > MAX_EPHEMERIS_RECORDS:
            raise InvalidInput(
                f"That asks for {records} ephemeris times; Scout gives at most "
                f"{MAX_EPHEMERIS_RECORDS}. Use a larger step or a shorter span."
            )
        code = GEOCENTRIC if obs_code is None else validate_obs_code(obs_code)
        fov = _field_of_view(fov_diam, fov_ra, fov_dec, fov_vmag, has_stop=stop_time is not None)
        if n_orbits is not None:
            validate_orbit_count(n_orbits)
        return cls(
            designation=designation,
            start=start_time,
            stop=stop_time,
            step=step_text,
            obs_code=code,
            fov=fov,
            ranges=bool(ranges),
            orbits=bool(orbits),
            n_orbits=n_orbits,
            record_count=records,
        )

    @property
    def starts_now(self) -> bool:
        return self.start is None

    @property
    def topocentric(self) -> bool:
        return self.obs_code != GEOCENTRIC

    def params(self) -> dict[str, str]:
        """The query string for Scout, in the document's formats."""
        params = {
            "tdes": self.designation,
            "eph-start": "now" if self.start is None else _scout_time(self.start),
        }
        if self.stop is not None:
            params["eph-stop"] = _scout_time(self.stop)
        if self.step is not None:
            params["eph-step"] = self.step
        if self.obs_code != GEOCENTRIC:
            params["obs-code"] = self.obs_code
        if self.fov is not None:
            params["fov-diam"] = _decimal(self.fov.diameter_arcmin)
            if self.fov.ra_deg is not None and self.fov.dec_deg is not None:
                params["fov-ra"] = _decimal(self.fov.ra_deg)
                params["fov-dec"] = _decimal(self.fov.dec_deg)
            if self.fov.vmag is not None:
                params["fov-vmag"] = _decimal(self.fov.vmag)
        if self.ranges:
            params["ranges"] = "1"
        if self.orbits:
            params["orbits"] = "1"
        if self.n_orbits is not None:
            params["n-orbits"] = str(self.n_orbits)
        return params


ScoutRequest = ObjectRequest | EphemerisQuery | None  # None: summary mode


def validate_params(params: Mapping[str, str], *, now: datetime | None = None) -> ScoutRequest:
    """Check a raw Scout query string against the document; the request it describes.

    Used as the last guard before every upstream call, so that not even a programming
    slip sends Scout something it would refuse.
    """
    unknown = sorted(set(params) - KNOWN_PARAMS)
    if unknown:
        raise InvalidInput(f"Scout has no parameter `{_shown(unknown[0])}`.")
    if not params:
        return None
    if "tdes" not in params:
        raise InvalidInput("Object and ephemeris requests need a designation.")
    object_side = OBJECT_PARAMS & set(params)
    ephemeris_side = EPHEMERIS_PARAMS & set(params)
    if object_side and ephemeris_side:
        raise InvalidInput(
            "Plots and data files cannot be asked for together with an ephemeris; "
            "ask for them separately."
        )
    orbits = parse_flag(params["orbits"], "orbits") if "orbits" in params else False
    n_orbits = _parse_orbit_count(params["n-orbits"]) if "n-orbits" in params else None
    if not ephemeris_side:
        return _object_request(params, orbits, n_orbits)
    return EphemerisQuery.build(
        params["tdes"],
        start=params.get("eph-start", "now"),
        stop=params.get("eph-stop"),
        step=params.get("eph-step"),
        obs_code=params.get("obs-code"),
        fov_diam=params.get("fov-diam"),
        fov_ra=params.get("fov-ra"),
        fov_dec=params.get("fov-dec"),
        fov_vmag=params.get("fov-vmag"),
        ranges=parse_flag(params["ranges"], "ranges") if "ranges" in params else False,
        orbits=orbits,
        n_orbits=n_orbits,
        now=now,
    )


# --- helpers ---------------------------------------------------------------------------------


def _object_request(params: Mapping[str, str], orbits: bool, n_orbits: int | None) -> ObjectRequest:
    designation = validate_designation(params["tdes"])
    kinds: frozenset[str] = frozenset()
    if "plot" in params:
        words = params["plot"].split(":")
        if not all(word in PLOT_KINDS for word in words):
            raise InvalidInput("`plot` must be el, ca or sr, several joined with `:`.")
        kinds = frozenset(words)
    file = params.get("file")
    if file is not None and file not in FILE_VALUES:
        raise InvalidInput("`file` must be `list` or `mpc`.")
    return ObjectRequest(designation, kinds, file, orbits, n_orbits)


def _parse_orbit_count(text: str) -> int:
    if not re.fullmatch(r"\s*\d{1,7}\s*", text):
        raise InvalidInput(f"The number of orbits must be a whole number from 1 to {MAX_ORBITS}.")
    return validate_orbit_count(int(text))


def _field_of_view(
    diameter: float | str | None,
    ra: float | str | None,
    dec: float | str | None,
    vmag: float | str | None,
    *,
    has_stop: bool,
) -> FieldOfViewRequest | None:
    if diameter is None:
        if ra is not None or dec is not None or vmag is not None:
            raise InvalidInput("A field centre or limiting magnitude needs the field diameter too.")
        return None
    if (ra is None) != (dec is None):
        raise InvalidInput(
            "Give both the field's R.A. and Dec., or neither (the field is then centred "
            "on the object's median position)."
        )
    ra_deg = dec_deg = None
    if ra is not None and dec is not None:
        if has_stop:
            raise InvalidInput(
                "A field centre cannot be combined with a stop time: ask for a single time."
            )
        ra_deg, dec_deg = parse_fov_ra(ra), parse_fov_dec(dec)
    return FieldOfViewRequest(
        diameter_arcmin=parse_fov_diameter(diameter),
        ra_deg=ra_deg,
        dec_deg=dec_deg,
        vmag=None if vmag is None else parse_fov_vmag(vmag),
    )


def _record_count(start: datetime, stop: datetime | None, step_seconds: int) -> int:
    """How many times Scout returns: one without a stop; the span in steps otherwise."""
    if stop is None:
        return 1
    if not step_seconds:
        return 2  # without a step Scout uses the whole span: start and stop
    span = int((stop - start).total_seconds())
    return span // step_seconds + 1


def _time_or_now(value: str | datetime | None, what: str) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if value is None or value.strip().lower() in ("", "now"):
        return None
    return parse_time(value, what=f"{what} time")


def _number(value: float | str, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{what} must be a number, not `{_shown(str(value))}`.") from None
    if not math.isfinite(number):
        raise InvalidInput(f"{what} must be a finite number.")
    return number


def _sent_precision(degrees: float) -> float:
    """Degrees as they will be sent (6 decimals, 4 milliarcseconds), so that the range is
    checked on the value Scout sees: 359.9999999 is sent as 360 otherwise."""
    return round(degrees, 6) + 0.0  # + 0.0 turns -0.0 into 0.0


def _scout_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _decimal(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _shown(text: str) -> str:
    """User text quoted back, cut short and without backticks that would break formatting."""
    text = text.replace("`", "'")
    return text if len(text) <= 40 else text[:39] + "…"
