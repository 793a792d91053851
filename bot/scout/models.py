"""Typed Scout records. Scout sends most numbers as strings; these models make them real.

Every model ignores keys it does not know (the API may add some) and treats fields a
payload lacks as None, because the recorded payloads differ in which keys they carry.
Where a caller may need every column (CSV attachments), the model also keeps what it does
not name: per-orbit rows, ephemeris columns and the field-of-view block are kept whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

# Values Scout uses for "no value" inside fields that are otherwise numbers.
_NULL_STRINGS = frozenset({"", "NULL", "null", "None", "-", "n/a"})
SENTINEL_LIMIT = 1.0e98  # "1.000000000E+99" stands for "not applicable"


def _to_float(value: Any) -> Any:
    """A number from Scout's text; None for its "no value" spellings and 1.0E+99.

    Called for every cell of 1000-orbit answers, so the common case (a numeric string) is a
    single float() call; the slower checks run only when that fails.
    """
    if value is None:
        return None
    try:
        number = float(value)
    except TypeError:
        return value  # not a number at all: pydantic's own check refuses it
    except ValueError:
        if isinstance(value, str) and value.strip() in _NULL_STRINGS:
            return None
        raise
    if abs(number) >= SENTINEL_LIMIT or number != number:  # 1.0E+99, inf, nan
        return None
    return value if isinstance(value, int | float) and not isinstance(value, bool) else number


def _to_int(value: Any) -> Any:
    value = _to_float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def to_utc(value: Any) -> Any:
    """Scout's "YYYY-MM-DD hh:mm[:ss]" times are UTC without saying so."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text in _NULL_STRINGS:
            return None
        parsed = datetime.fromisoformat(text.replace(" ", "T").replace("_", "T"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return value


def lenient_float(value: Any) -> float | None:
    """A number from whatever Scout put in a cell; None for sentinels and non-numbers.

    Used for open-ended column sets (ephemeris columns, field-of-view values) where an
    unexpected text must not sink the whole answer.
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if abs(number) >= SENTINEL_LIMIT or number != number else number


def ephemeris_cell(value: Any) -> float | str | None:
    """A per-orbit ephemeris cell: a number where it is one, else the text as sent."""
    if value is None or _is_no_value(value):
        return None
    number = lenient_float(value)
    return number if number is not None else str(value).strip()


def _is_no_value(value: Any) -> bool:
    """Scout's "no value" in a cell: its null spellings and 1.0E+99 (as text or number)."""
    if value.__class__ is str:
        if value.strip() in _NULL_STRINGS:
            return True
        # Only exponents in the nineties can reach the sentinel; skip float() otherwise.
        return ("E+9" in value or "e+9" in value) and _looks_like_sentinel(value)
    return value.__class__ is float and abs(value) >= SENTINEL_LIMIT


def _looks_like_sentinel(text: str) -> bool:
    try:
        return abs(float(text)) >= SENTINEL_LIMIT
    except ValueError:
        return False


OptFloat = Annotated[float | None, BeforeValidator(_to_float)]
OptInt = Annotated[int | None, BeforeValidator(_to_int)]
OptUtc = Annotated[datetime | None, BeforeValidator(to_utc)]


class ScoutModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class Signature(ScoutModel):
    source: str | None = None
    version: str | None = None


class ScoutObject(ScoutModel):
    """One NEOCP object as Scout assesses it: a summary row, or the head of an object answer."""

    designation: str = Field(alias="objectName")
    last_run: OptUtc = Field(default=None, alias="lastRun")
    ephemeris_time: OptUtc = Field(default=None, alias="tEphem")
    n_obs: OptInt = Field(default=None, alias="nObs")
    arc_hours: OptFloat = Field(default=None, alias="arc")
    rms_n: OptFloat = Field(default=None, alias="rmsN")
    h: OptFloat = Field(default=None, alias="H")
    vmag: OptFloat = Field(default=None, alias="Vmag")
    ra: str | None = None  # "HH:MM"
    dec: str | None = None  # "+DD"
    elong: OptFloat = None
    rate: OptFloat = None  # arcsec/min
    unc: OptFloat = None  # arcmin, 1-sigma plane-of-sky, now
    unc_p1: OptFloat = Field(default=None, alias="uncP1")  # arcmin, one day later
    moid: OptFloat = None  # au
    ca_dist: OptFloat = Field(default=None, alias="caDist")  # lunar distances
    v_inf: OptFloat = Field(default=None, alias="vInf")  # km/s
    rating: OptInt = None  # 0..4 impact rating, None when the arc is too short
    neo_score: OptInt = Field(default=None, alias="neoScore")
    neo1km_score: OptInt = Field(default=None, alias="neo1kmScore")
    pha_score: OptInt = Field(default=None, alias="phaScore")
    ieo_score: OptInt = Field(default=None, alias="ieoScore")
    geocentric_score: OptInt = Field(default=None, alias="geocentricScore")
    tisserand_score: OptInt = Field(default=None, alias="tisserandScore")


# --- summary mode -------------------------------------------------------------------------


class UnreadableRow(ScoutModel):
    """A summary row the models cannot take; the other rows are used without it."""

    designation: str | None  # None when even the designation cannot be read
    reason: str


class Summary(ScoutModel):
    """Every object on the NEOCP that Scout has computed (summary mode, no parameters)."""

    signature: Signature | None = None
    count: OptInt = None  # as Scout states it; a string in the real payload
    objects: list[ScoutObject] = Field(default_factory=list, alias="data")
    unreadable: tuple[UnreadableRow, ...] = ()  # rows skipped, not in ``objects``

    @property
    def rows(self) -> int:
        """The rows Scout sent, readable or not."""
        return len(self.objects) + len(self.unreadable)

    def find(self, designation: str) -> ScoutObject | None:
        """The object with this designation, or None."""
        return next((obj for obj in self.objects if obj.designation == designation), None)


# --- object mode ----------------------------------------------------------------------------

PLOT_KINDS: frozenset[str] = frozenset({"el", "ca", "sr"})

# The *_fig keys each plot kind is known to add (from the fixtures' README). Any other key
# ending in "_fig" is still returned, named by its key.
PLOT_KEYS: Mapping[str, tuple[str, ...]] = {
    "el": ("qr_e_fig", "qr_in_fig", "qr_H_fig", "H_hist_fig"),
    "ca": ("moid_hist_fig", "ca_dist_cdf_fig", "tca_hist_fig", "ca_dist_hist_fig"),
    "sr": ("rms_sysran_fig", "H_sysran_fig"),
}


class ObjectPlots(ScoutModel):
    """The object's record and its PNG plots, decoded, keyed by Scout's ``*_fig`` key.

    A value of None means Scout has no such plot (close-approach plots exist only for
    objects that come within 0.5 LD).
    """

    object: ScoutObject
    kinds: frozenset[str]
    plots: dict[str, bytes | None]

    def available(self) -> dict[str, bytes]:
        """Only the plots Scout sent."""
        return {key: png for key, png in self.plots.items() if png is not None}


class ObjectObservations(ScoutModel):
    """The object's record and its observations as an MPC 80-column text file."""

    object: ScoutObject
    text: str | None = None  # None when Scout has no file for the object

    @property
    def lines(self) -> list[str]:
        return [] if self.text is None else [line for line in self.text.splitlines() if line]


class DataFile(ScoutModel):
    """One entry of ``file=list``: a file Scout can send for the object."""

    key: str  # the value to pass as ``file=`` ("mpc")
    name: str | None = None
    size: OptInt = None  # bytes; None when the file is not available


class ObjectFileList(ScoutModel):
    object: ScoutObject
    files: list[DataFile] = Field(default_factory=list)


ORBIT_FIELDS: tuple[str, ...] = (
    "idx",
    "epoch",
    "ec",
    "qr",
    "tp",
    "om",
    "w",
    "inc",
    "H",
    "dca",
    "tca",
    "moid",
    "vinf",
    "geoEcc",
    "impFlag",
)


class SampledOrbit(BaseModel):
    """One of Scout's sampled orbits. Times are Julian dates (TDB), angles degrees.

    "NULL" and 1.0E+99 become None (``dca``/``tca`` only exist for orbits that approach
    the Earth; ``geo_ecc`` only for geocentric ones). Columns Scout adds beyond these are
    kept in ``model_extra`` under their own names.
    """

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)

    # Plain types: pydantic reads the numeric strings itself, far faster than a Python
    # validator per cell (a 1000-orbit answer has 15,000 cells); sentinels are cleared first.
    idx: int | None = None
    epoch: float | None = None  # JD of the elements
    ec: float | None = None  # eccentricity
    qr: float | None = None  # perihelion distance, au
    tp: float | None = None  # JD of perihelion
    om: float | None = None  # longitude of the ascending node, deg
    w: float | None = None  # argument of perihelion, deg
    inc: float | None = None  # inclination, deg
    h: float | None = Field(default=None, alias="H")  # absolute magnitude
    dca: float | None = None  # close-approach distance, au
    tca: float | None = None  # JD of the close approach
    moid: float | None = None  # au
    vinf: float | None = None  # km/s
    geo_ecc: float | None = Field(default=None, alias="geoEcc")  # geocentric eccentricity
    imp_flag: int | None = Field(default=None, alias="impFlag")  # 1 = impacting orbit

    @model_validator(mode="before")
    @classmethod
    def _clear_sentinels(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: None if _is_no_value(value) else value for key, value in data.items()}
        return data

    @property
    def H(self) -> float | None:
        """Scout's own name for the absolute magnitude column."""
        return self.h

    @property
    def impacts(self) -> bool:
        return self.imp_flag == 1

    def row(self, fields: Iterable[str] = ORBIT_FIELDS) -> list[Any]:
        """The orbit's values in the order of ``fields`` (Scout's column names)."""
        by_alias = self.model_dump(by_alias=True)
        return [by_alias.get(name) for name in fields]


class ObjectOrbits(ScoutModel):
    """The object's record and its sampled orbits (``orbits=1``)."""

    object: ScoutObject
    count: OptInt = None  # as Scout states it
    fields: list[str] = Field(default_factory=lambda: list(ORBIT_FIELDS))
    orbits: list[SampledOrbit] = Field(default_factory=list)


# --- ephemeris mode -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Limits:
    """The range one quantity spans over the sampled orbits.

    A plain dataclass, not a model: a 500-record ephemeris holds thousands of these, and
    building them as models took most of its parse time.
    """

    min: float | None = None
    max: float | None = None


class FieldOfView(ScoutModel):
    """What Scout says about the requested field of view (``fov-diam`` and friends).

    The seed document is cut where it describes this block, so it is modelled
    tolerantly: every value is kept in ``raw`` as sent, numbers in ``values``; the
    properties look for the names public clients report and give None when absent.
    """

    raw: dict[str, Any] = Field(default_factory=dict)
    values: dict[str, float | None] = Field(default_factory=dict)

    @classmethod
    def from_payload(cls, payload: Any) -> FieldOfView:
        raw = payload if isinstance(payload, dict) else {"value": payload}
        values = {
            str(key): lenient_float(value)
            for key, value in raw.items()
            if not isinstance(value, dict | list)
        }
        return cls(raw=raw, values=values)

    def _first(self, *names: str) -> float | None:
        for name in names:
            if self.values.get(name) is not None:
                return self.values[name]
        return None

    @property
    def count(self) -> float | None:
        """Sampled orbits that fall in the field (and are bright enough, if ``fov-vmag``)."""
        return self._first("count", "n", "n-orbits", "orbits")

    @property
    def probability(self) -> float | None:
        """The share of orbits in the field, 0..1, as stated or as count/total."""
        stated = self._first("prob", "probability", "fraction", "score", "frac")
        if stated is not None:
            return stated / 100.0 if stated > 1.0 else stated
        percent = self._first("percent", "pct")
        if percent is not None:
            return percent / 100.0
        count, total = self.count, self._first("total", "orbit-count", "n-total")
        if count is not None and total:
            return count / total
        return None


class EphemerisRecord(ScoutModel):
    """The ephemeris at one time: median position and the spread over the sampled orbits.

    ``median``, ``limits`` and ``sigma_limits`` keep every column Scout sent (ra, dec in
    decimal degrees; dra, ddec, rate in arcsec/min; pa, elong, moon, el in degrees; vmag;
    range columns when ``ranges`` was asked). ``orbit_rows`` holds one dict per sampled
    orbit, keyed by the answer's ``data-fields``, when ``orbits`` was asked.
    """

    time: datetime
    sun_flag: str | None = None  # None: night or geocentric; "a", "n", "c", "*"
    sigma_pos: float | None = None  # 1-sigma position uncertainty, arcmin
    median: dict[str, float | None] = Field(default_factory=dict)
    limits: dict[str, Limits] = Field(default_factory=dict)
    sigma_limits: dict[str, Limits] = Field(default_factory=dict)
    orbit_rows: list[dict[str, float | str | None]] = Field(default_factory=list)
    fov: FieldOfView | None = None
    extra: dict[str, Any] = Field(default_factory=dict)  # record keys not named above

    @property
    def ra(self) -> float | None:
        return self.median.get("ra")

    @property
    def dec(self) -> float | None:
        return self.median.get("dec")

    @property
    def vmag(self) -> float | None:
        return self.median.get("vmag")

    @property
    def el(self) -> float | None:
        """Altitude above the horizon, degrees (topocentric ephemerides only)."""
        return self.median.get("el")


class Ephemeris(ScoutModel):
    """Ephemeris mode: the object's record and one record per requested time."""

    signature: Signature | None = None
    object: ScoutObject
    count: OptInt = None
    orbit_count: OptInt = None
    data_fields: list[str] = Field(default_factory=list)
    records: list[EphemerisRecord] = Field(default_factory=list)
    fov: FieldOfView | None = None

    def median_columns(self) -> list[str]:
        return _union(record.median for record in self.records)

    def limit_columns(self) -> list[str]:
        return _union(record.limits for record in self.records)

    def sigma_limit_columns(self) -> list[str]:
        return _union(record.sigma_limits for record in self.records)

    def table(self) -> tuple[list[str], list[list[Any]]]:
        """Every column of every record, flat, for a CSV: a header and one row per time."""
        median, limits, sigma = (
            self.median_columns(),
            self.limit_columns(),
            self.sigma_limit_columns(),
        )
        extra = _union(record.extra for record in self.records)
        header = ["time", "sun_flag", "sigma_pos", *median]
        header += [f"{name}_{end}" for name in limits for end in ("min", "max")]
        header += [f"{name}_sigma_{end}" for name in sigma for end in ("min", "max")]
        header += extra
        rows = []
        for record in self.records:
            row: list[Any] = [
                record.time.strftime("%Y-%m-%d %H:%M:%S"),
                record.sun_flag,
                record.sigma_pos,
            ]
            row += [record.median.get(name) for name in median]
            row += _limit_cells(record.limits, limits)
            row += _limit_cells(record.sigma_limits, sigma)
            row += [record.extra.get(name) for name in extra]
            rows.append(row)
        return header, rows


# The order an observer reads an ephemeris in; columns Scout adds follow, sorted.
EPHEMERIS_COLUMN_ORDER: tuple[str, ...] = (
    "ra",
    "dec",
    "dra",
    "ddec",
    "rate",
    "pa",
    "vmag",
    "elong",
    "moon",
    "el",
)


def _union(mappings: Iterable[Mapping[str, Any]]) -> list[str]:
    """Keys of all mappings in a stable order (Scout's key order varies per answer)."""
    seen: set[str] = set()
    for mapping in mappings:
        seen.update(mapping)
    known = [name for name in EPHEMERIS_COLUMN_ORDER if name in seen]
    return known + sorted(seen - set(EPHEMERIS_COLUMN_ORDER))


def _limit_cells(limits: Mapping[str, Limits], names: list[str]) -> list[float | None]:
    cells: list[float | None] = []
    for name in names:
        limit = limits.get(name)
        cells += [limit.min, limit.max] if limit else [None, None]
    return cells
