"""Made-up Scout records and answers, built from Scout's own key names."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.scout.models import (
    Ephemeris,
    EphemerisRecord,
    ObjectPlots,
    SampledOrbit,
    ScoutObject,
    Summary,
)

# Smallest valid PNG header; the renderer never decodes images, it only names and attaches them.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16

SUMMARY_RECORD: dict[str, Any] = {
    "objectName": "P21abcd",
    "lastRun": "2026-07-12 08:42",
    "tEphem": "2026-07-12 19:30",
    "nObs": 4,
    "arc": "1.09",
    "rmsN": "0.27",
    "H": "22.5",
    "Vmag": "19.2",
    "ra": "20:25",
    "dec": "-47",
    "elong": "152",
    "rate": "4.8",
    "unc": "5.4",
    "uncP1": "26",
    "moid": "0.05",
    "caDist": "25",
    "vInf": None,
    "rating": 0,
    "neoScore": 100,
    "neo1kmScore": 0,
    "phaScore": 3,
    "ieoScore": 0,
    "geocentricScore": 0,
    "tisserandScore": 57,
}


def scout_object(designation: str = "P21abcd", **changes: Any) -> ScoutObject:
    """A summary record with Scout's own key names; ``changes`` use Scout's names too."""
    record = {**SUMMARY_RECORD, "objectName": designation, **changes}
    return ScoutObject.model_validate(record)


def summary_of(objects: Iterable[ScoutObject], *, version: str = "1.3") -> Summary:
    """A summary listing exactly ``objects``."""
    listed = list(objects)
    return Summary(
        signature={"source": "NASA/JPL Scout API", "version": version},
        count=len(listed),
        objects=listed,
    )


def make_object(**fields: Any) -> ScoutObject:
    """A record like Scout's, with ``fields`` (by Scout's key names) replacing the defaults."""
    return scout_object(fields.pop("objectName", "P10vY9r"), **fields)


def empty_object(designation: str = "P10vY9r") -> ScoutObject:
    """A record with nothing but its name: every other field null."""
    return ScoutObject.model_validate({"objectName": designation})


def make_record(time: datetime, **median: float | None) -> EphemerisRecord:
    values: dict[str, float | None] = {
        "ra": 312.8884703,
        "dec": -7.7013694,
        "rate": 9.41,
        "pa": 225.0,
        "vmag": 19.8,
        "elong": 151.0,
        "moon": 105.0,
    }
    values.update(median)
    return EphemerisRecord(time=time, sigma_pos=0.02, median=values)


def make_ephemeris(count: int, obj: ScoutObject | None = None, **record: Any) -> Ephemeris:
    start = datetime(2026, 9, 3, 11, 0, tzinfo=UTC)
    records = [make_record(start + timedelta(hours=i), **record) for i in range(count)]
    return Ephemeris(object=obj or make_object(), orbit_count=1000, records=records)


def make_plots(
    obj: ScoutObject, kinds: frozenset[str], plots: dict[str, bytes | None]
) -> ObjectPlots:
    return ObjectPlots(object=obj, kinds=kinds, plots=plots)


def make_orbit(**fields: Any) -> SampledOrbit:
    return SampledOrbit.model_validate(fields)
