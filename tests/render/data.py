"""Scout models for rendering tests: the recorded payloads, parsed, and made-up records."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.scout.models import (
    Ephemeris,
    EphemerisRecord,
    ObjectObservations,
    ObjectOrbits,
    ObjectPlots,
    SampledOrbit,
    ScoutObject,
    Summary,
)
from bot.scout.parse import (
    parse_ephemeris,
    parse_observations,
    parse_orbits,
    parse_summary,
)
from tests.conftest import FIXTURES
from tests.helpers import scout_object

SCOUT = FIXTURES / "scout"
# Smallest valid PNG header; the renderer never decodes images, it only names and attaches them.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def payload(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCOUT / name).read_text())
    return data


def summary() -> Summary:
    return parse_summary(payload("summary.json"))


def orbits() -> ObjectOrbits:
    return parse_orbits(payload("object_A11EBEK_orbits_first50.json"))


def ephemeris() -> Ephemeris:
    return parse_ephemeris(payload("ephemeris_6J12821.json"))


def observations() -> ObjectObservations:
    return parse_observations(payload("object_ZTF10DD_file_mpc.json"))


def samples() -> list[dict[str, Any]]:
    lines = (SCOUT / "object_samples.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


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
