"""Every recorded Scout payload parses to exactly the values it holds.

The fixtures are real answers (see tests/fixtures/README.md); a parser that reads these
reads the real service. The checks compare each parsed field with the raw JSON value, so
a field mapped to the wrong key, a lost sentinel or a misread string fails here.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.scout import parse
from bot.scout.models import ScoutObject
from tests.recorded import payload, samples


def _expected_number(raw: Any) -> float | None:
    if raw is None or raw == "NULL":
        return None
    number = float(raw)
    return None if abs(number) >= 1e98 else number


def _assert_object_matches(obj: ScoutObject, raw: dict[str, Any]) -> None:
    """Each summary field of ``raw`` is in ``obj`` under its alias, as a real Python value."""
    fields = {field.alias or name: name for name, field in ScoutObject.model_fields.items()}
    for key, value in raw.items():
        if key not in fields:
            continue
        parsed = getattr(obj, fields[key])
        if key in ("objectName", "ra", "dec"):
            assert parsed == value, key
        elif key in ("lastRun", "tEphem"):
            assert parsed == datetime.strptime(value, "%Y-%m-%d %H:%M").replace(tzinfo=UTC), key
        elif value is None:
            assert parsed is None, key
        else:
            assert parsed == pytest.approx(float(value)), key
            assert not isinstance(parsed, str), key


def test_summary_parses_every_object_to_its_values() -> None:
    raw = payload("summary.json")
    summary = parse.parse_summary(raw)

    assert summary.count == 33 == int(raw["count"])
    assert len(summary.objects) == 33
    assert summary.signature is not None and summary.signature.version == "1.3"
    for obj, row in zip(summary.objects, raw["data"], strict=True):
        _assert_object_matches(obj, row)


def test_summary_keeps_types_and_nulls() -> None:
    summary = parse.parse_summary(payload("summary.json"))
    close = summary.find("A11EvW3")

    assert close is not None
    assert close.rating == 3 and isinstance(close.rating, int)
    assert close.moid == 0.0  # "0.0000" is a real zero, not a missing value
    assert close.ca_dist == pytest.approx(0.04)
    assert close.last_run == datetime(2026, 7, 12, 9, 2, tzinfo=UTC)
    assert any(obj.v_inf is None for obj in summary.objects)
    assert any(obj.ca_dist is None for obj in summary.objects)


@pytest.mark.parametrize("raw", samples(), ids=lambda raw: raw["objectName"])
def test_object_samples_parse_to_their_values(raw: dict[str, Any]) -> None:
    _assert_object_matches(parse.parse_object(raw), raw)


def test_object_samples_cover_each_rating_and_null() -> None:
    ratings = {parse.parse_object(raw).rating for raw in samples()}
    assert ratings == {0, 1, 2, None}


def test_orbits_parse_every_row_with_sentinels_as_none() -> None:
    raw = payload("object_A11EBEK_orbits_first50.json")
    answer = parse.parse_orbits(raw)
    fields = raw["orbits"]["fields"]

    assert answer.count == 1000  # Scout's own count, a string in the payload
    assert answer.object.designation == "A11EBEK"
    assert answer.fields == fields
    assert len(answer.orbits) == 50
    for orbit, row in zip(answer.orbits, raw["orbits"]["data"], strict=True):
        for name, value in zip(fields, row, strict=True):
            parsed = orbit.row([name])[0]
            expected = _expected_number(value)
            if expected is None:
                assert parsed is None, name
            else:
                assert parsed == pytest.approx(expected), name


def test_orbit_fields_are_typed() -> None:
    orbits = parse.parse_orbits(payload("object_A11EBEK_orbits_first50.json")).orbits

    assert [orbit.idx for orbit in orbits][13:15] == [13, 15]  # idx has gaps; kept as sent
    second = orbits[1]
    assert second.dca is None  # "NULL"
    assert second.geo_ecc is None  # "1.000000000E+99"
    assert second.H == second.h == pytest.approx(21.414906)
    assert second.tca == pytest.approx(2461249.0448946)
    assert isinstance(second.imp_flag, int) and not second.impacts
    assert all(orbit.epoch is not None and math.isfinite(orbit.epoch) for orbit in orbits)


def test_ephemeris_parses_every_record_and_column() -> None:
    raw = payload("ephemeris_6J12821.json")
    eph = parse.parse_ephemeris(raw)

    assert eph.count == 3 and eph.orbit_count == 1000
    assert eph.object.designation == "6J12821"
    assert eph.data_fields == raw["data-fields"]
    assert eph.fov is None  # no fov-diam was asked
    assert [r.time for r in eph.records] == [
        datetime(2026, 9, 3, 11, 32 + i, 27, tzinfo=UTC) for i in range(3)
    ]
    for record, raw_record in zip(eph.records, raw["eph"], strict=True):
        assert record.sigma_pos == float(raw_record["sigma-pos"])
        assert record.sun_flag is None  # geocentric: Scout sends no sun-flag
        assert record.median == {k: float(v) for k, v in raw_record["median"].items()}
        for group, name in (("limits", "limits"), ("sigma_limits", "sigma-limits")):
            parsed = getattr(record, group)
            assert set(parsed) == set(raw_record[name])
            for column, bounds in raw_record[name].items():
                assert parsed[column].min == float(bounds["min"])
                assert parsed[column].max == float(bounds["max"])
    first = eph.records[0]
    assert first.ra == pytest.approx(312.8884703) and first.dec == pytest.approx(-7.7013694)


def test_ephemeris_table_has_every_column_once() -> None:
    eph = parse.parse_ephemeris(payload("ephemeris_6J12821.json"))
    header, rows = eph.table()

    assert header[:5] == ["time", "sun_flag", "sigma_pos", "ra", "dec"]
    assert len(header) == len(set(header))
    assert {"ra_min", "ra_max", "vmag_sigma_min", "vmag_sigma_max", "moon"} <= set(header)
    assert len(rows) == 3 and all(len(row) == len(header) for row in rows)
    assert rows[0][header.index("ra_max")] == pytest.approx(312.8892948)


def test_observation_file_is_kept_as_sent() -> None:
    raw = payload("object_ZTF10DD_file_mpc.json")
    answer = parse.parse_observations(raw)

    assert answer.text == raw["fileMPC"]
    assert len(answer.lines) == 4
    assert all(len(line) == 80 for line in answer.lines)
    _assert_object_matches(answer.object, raw)


def test_file_list_gives_name_and_size() -> None:
    answer = parse.parse_file_list(payload("object_ZTF10DC_file_list.json"))

    assert [(f.key, f.name, f.size) for f in answer.files] == [
        ("mpc", "Observation File (MPC-format)", 486)
    ]


def test_file_list_in_the_documents_example_shape() -> None:
    """The document shows "size" beside the entry, as a string."""
    payload = {
        "objectName": "YCB34A9",
        "file": {"size": "486", "mpc": {"name": "Observation File (MPC-format)"}},
    }
    assert parse.parse_file_list(payload).files[0].size == 486


def test_error_body_carries_a_message() -> None:
    raw = payload("error_400_bad_file_param.json")
    assert raw["code"] == "400"
    assert "file selection parameter" in raw["message"]
