"""The recorded upstream payloads in tests/fixtures, raw and parsed, for every test package.

The files are copies of the project's shared/fixtures (tests/test_fixtures_copy.py keeps
them equal); ``FIXTURES`` is where they are.
"""

from __future__ import annotations

import json
from typing import Any

from bot.scout.models import Ephemeris, ObjectObservations, ObjectOrbits, Summary
from bot.scout.parse import parse_ephemeris, parse_observations, parse_orbits, parse_summary
from tests.conftest import FIXTURES

SCOUT = FIXTURES / "scout"


def payload(name: str) -> dict[str, Any]:
    """A recorded Scout answer, as JSON: ``payload("summary.json")``."""
    data: dict[str, Any] = json.loads((SCOUT / name).read_text())
    return data


def samples() -> list[dict[str, Any]]:
    """Recorded summary records of objects with unusual fields, one per line of the file."""
    lines = (SCOUT / "object_samples.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def object_sample(designation: str) -> dict[str, Any]:
    for sample in samples():
        if sample["objectName"] == designation:
            return sample
    raise KeyError(designation)


def summary() -> Summary:
    return parse_summary(payload("summary.json"))


def orbits() -> ObjectOrbits:
    return parse_orbits(payload("object_A11EBEK_orbits_first50.json"))


def ephemeris() -> Ephemeris:
    return parse_ephemeris(payload("ephemeris_6J12821.json"))


def observations() -> ObjectObservations:
    return parse_observations(payload("object_ZTF10DD_file_mpc.json"))
