"""Typed Scout records. Scout sends most numbers as strings; these models make them real.

Every model ignores keys it does not know (the API may add some) and treats fields a
payload lacks as None, because the recorded payloads differ in which keys they carry.
Where a caller may need every column (CSV attachments), the model also keeps what it does
not name: per-orbit rows, ephemeris columns and the field-of-view block are kept whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.scout.cells import OptFloat, OptInt, OptUtc, is_no_value, lenient_float


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
            return {key: None if is_no_value(value) else value for key, value in data.items()}
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
