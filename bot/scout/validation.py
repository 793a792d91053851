"""Every rule the Scout API document states about whole requests, checked without I/O.

A request that breaks a rule is refused here with a sentence the user understands, so
nothing malformed ever reaches Scout. The rules follow the API document (version 1.3):
times within 30 days of now, a stop after the start, ``eph-step`` needing start and
stop, at most 500 ephemeris records, the field of view's dependencies, and no mixing of
object and ephemeris parameters. Each single value (designation, plot kinds,
``n-orbits`` 1..1000, time and step formats, MPC site codes, field-of-view bounds) is
checked in ``bot.scout.values``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.errors import InvalidInput
from bot.scout.models import PLOT_KINDS
from bot.scout.values import (
    MAX_ORBITS,
    parse_flag,
    parse_fov_dec,
    parse_fov_diameter,
    parse_fov_ra,
    parse_fov_vmag,
    parse_step,
    parse_time,
    quoted,
    validate_designation,
    validate_obs_code,
    validate_orbit_count,
)

MAX_EPHEMERIS_RECORDS = 500  # the API refuses more
MAX_EPHEMERIS_DAYS = 30  # ephemeris times must lie within this many days of now
GEOCENTRIC = "500"


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
        start_time = _time_or_now(start, "start", now)
        stop_time = None if stop is None else _time_or_now(stop, "stop", now)
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
        raise InvalidInput(f"Scout has no parameter `{quoted(unknown[0])}`.")
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


def _time_or_now(value: str | datetime | None, what: str, now: datetime) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if value is None or value.strip().lower() in ("", "now"):
        return None
    return parse_time(value, what=f"{what} time", now=now)


def _scout_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _decimal(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")
