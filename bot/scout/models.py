"""Typed Scout records. Scout sends most numbers as strings; these models make them real.

Every model ignores keys it does not know (the API may add some) and treats fields a
payload lacks as None, because the recorded payloads differ in which keys they carry.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

# Values Scout uses for "no value" inside fields that are otherwise numbers.
_NULL_STRINGS = frozenset({"", "NULL", "null", "None", "-"})
_SENTINEL_LIMIT = 1.0e98  # "1.000000000E+99" stands for "not applicable"


def _to_float(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text in _NULL_STRINGS:
            return None
        value = float(text)
    if isinstance(value, int | float) and abs(float(value)) >= _SENTINEL_LIMIT:
        return None
    return value


def _to_int(value: Any) -> Any:
    value = _to_float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _to_utc(value: Any) -> Any:
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


OptFloat = Annotated[float | None, BeforeValidator(_to_float)]
OptInt = Annotated[int | None, BeforeValidator(_to_int)]
OptUtc = Annotated[datetime | None, BeforeValidator(_to_utc)]


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
