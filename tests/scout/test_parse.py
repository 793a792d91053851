"""Shapes the recordings do not show but Scout may send: plots, per-orbit rows, fov, junk."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

import pytest

from bot.scout import parse
from bot.scout.errors import ScoutBadResponse
from tests.conftest import FIXTURES

PNG = b"\x89PNG\r\n\x1a\n fake image bytes"
HEAD = {"objectName": "P10vY9r", "lastRun": "2026-07-12 08:42", "nObs": 5}


def _ephemeris(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(
        (FIXTURES / "scout" / "ephemeris_6J12821.json").read_text()
    )
    payload.update(changes)
    return payload


def test_plots_are_decoded_and_named_by_their_key() -> None:
    payload = {
        **HEAD,
        "qr_e_fig": base64.b64encode(PNG).decode(),
        "moid_hist_fig": None,
        "brand_new_fig": base64.b64encode(b"new").decode(),
    }
    plots = parse.parse_plots(payload, {"el", "ca"})

    assert plots.plots["qr_e_fig"] == PNG
    assert plots.plots["moid_hist_fig"] is None  # within 0.5 LD only
    assert plots.plots["brand_new_fig"] == b"new"  # any *_fig key is a plot
    assert plots.plots["qr_in_fig"] is None  # asked for, not sent
    assert "rms_sysran_fig" not in plots.plots  # sr was not asked for
    assert set(plots.available()) == {"qr_e_fig", "brand_new_fig"}
    assert plots.object.designation == "P10vY9r"


def test_a_plot_that_is_not_text_is_missing_not_a_crash() -> None:
    plots = parse.parse_plots({**HEAD, "qr_e_fig": 12}, {"el"})
    assert plots.plots["qr_e_fig"] is None


def test_unknown_keys_and_missing_fields_are_tolerated() -> None:
    obj = parse.parse_object({"objectName": "X", "brandNewField": [1, 2], "H": "NULL"})
    assert obj.designation == "X" and obj.h is None and obj.neo_score is None


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><body>Service Unavailable</body></html>",
        b'{"signature": {"version": "1.3"}, "count": "33", "data": [{"objectNa',
        b"",
        b"[1, 2, 3]",
        b"\xff\xfe\x00garbage",
    ],
    ids=["html", "truncated", "empty", "array", "binary"],
)
def test_unreadable_bodies_raise_bad_response(body: bytes) -> None:
    with pytest.raises(ScoutBadResponse):
        parse.decode_json(body)


def test_a_summary_whose_data_is_not_a_list_raises_bad_response() -> None:
    with pytest.raises(ScoutBadResponse):
        parse.parse_summary({"data": "not a list"})


@pytest.mark.parametrize(
    "payload",
    [
        {"data": [{"nObs": 3}]},  # a record without objectName
        {"data": [{"objectName": "X", "nObs": "many"}]},
    ],
)
def test_rows_of_unexpected_shape_are_unreadable_not_fatal(payload: dict[str, Any]) -> None:
    summary = parse.parse_summary(payload)
    assert summary.objects == [] and len(summary.unreadable) == 1


def test_an_empty_summary_is_an_empty_list() -> None:
    summary = parse.parse_summary({"count": "0", "signature": {"version": "1.3"}})
    assert summary.objects == [] and summary.count == 0


@pytest.mark.parametrize(
    "payload",
    [
        {"code": "500", "message": "database unavailable"},  # a 200 that carries an error
        {"signature": {"version": "1.3"}},
        {"count": "3"},  # rows promised, none sent
    ],
)
def test_a_summary_without_rows_or_a_zero_count_is_a_bad_response_not_an_empty_list(
    payload: dict[str, Any],
) -> None:
    """Scout sends `data` whenever `count` is above zero; read as "no objects", such an
    answer would tell /scout list that the NEOCP is empty."""
    with pytest.raises(ScoutBadResponse):
        parse.parse_summary(payload)


def test_orbits_without_the_block_are_a_bad_response() -> None:
    with pytest.raises(ScoutBadResponse):
        parse.parse_orbits(HEAD)


def test_ephemeris_without_object_is_a_bad_response() -> None:
    with pytest.raises(ScoutBadResponse):
        parse.parse_ephemeris({"eph": []})


def test_ephemeris_per_orbit_rows_follow_data_fields() -> None:
    fields = ["ra", "dec", "rate", "pa", "vmag", "elong", "moon", "neo", "pha", "geo", "imp", "el"]
    payload = _ephemeris(**{"data-fields": fields})
    payload["eph"][0]["data"] = [
        ["0.5591806", "26.3213936", "10.42", "100.2", "25.1", "51", "94", 1, 0, 0, 0, "36.4"],
        ["1.0689140", "NULL", "10.14", "100.3", "25.1", "50", "94", 1, 0, 0, 1, "x"],
    ]
    payload["eph"][0]["sun-flag"] = "n"
    record = parse.parse_ephemeris(payload).records[0]

    assert record.orbit_rows[0] == {
        "ra": 0.5591806,
        "dec": 26.3213936,
        "rate": 10.42,
        "pa": 100.2,
        "vmag": 25.1,
        "elong": 51.0,
        "moon": 94.0,
        "neo": 1.0,
        "pha": 0.0,
        "geo": 0.0,
        "imp": 0.0,
        "el": 36.4,
    }
    assert record.orbit_rows[1]["dec"] is None and record.orbit_rows[1]["el"] == "x"
    assert record.sun_flag == "n"


def test_range_columns_and_unknown_record_keys_are_kept() -> None:
    payload = _ephemeris()
    record = payload["eph"][0]
    record["median"]["rng-obs"] = "0.0123"
    record["limits"]["rng-obs"] = {"min": "0.01", "max": "0.02"}
    record["new-thing"] = "kept"
    eph = parse.parse_ephemeris(payload)

    assert eph.records[0].median["rng-obs"] == pytest.approx(0.0123)
    assert eph.records[0].extra == {"new-thing": "kept"}
    header, rows = eph.table()
    assert {"rng-obs", "rng-obs_min", "rng-obs_max", "new-thing"} <= set(header)
    assert rows[1][header.index("rng-obs")] is None  # absent in that record


@pytest.mark.parametrize(
    ("fov", "count", "probability"),
    [
        ({"count": "250", "total": "1000"}, 250.0, 0.25),
        ({"prob": "0.7"}, None, 0.7),
        ({"prob": "70"}, None, 0.7),
        ({"percent": 12.5}, None, 0.125),
        ({"something": {"nested": True}}, None, None),
        ("0.42", None, None),
        ([1, 2], None, None),
    ],
)
def test_field_of_view_is_read_tolerantly(
    fov: Any, count: float | None, probability: float | None
) -> None:
    eph = parse.parse_ephemeris(_ephemeris(fov=fov))

    assert eph.fov is not None
    assert eph.fov.count == count
    assert eph.fov.probability == (pytest.approx(probability) if probability else None)
    assert eph.fov.raw == (fov if isinstance(fov, dict) else {"value": fov})


def test_field_of_view_inside_a_record_is_found_too() -> None:
    payload = _ephemeris()
    payload["eph"][0]["fov"] = {"count": 3}
    eph = parse.parse_ephemeris(payload)
    assert eph.fov is not None and eph.fov.count == 3
    assert eph.records[0].fov == eph.fov


def test_other_signature_version_warns_once_and_parsing_goes_on(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parse, "_warned_versions", set())
    payload = {"signature": {"version": "2.0"}, "count": "0"}
    with caplog.at_level(logging.WARNING, logger="bot.scout.parse"):
        parse.check_signature(payload)
        parse.check_signature(payload)
        parse.check_signature({"signature": {"version": "1.3"}})
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "2.0" in warnings[0].getMessage()
    assert parse.parse_summary(payload).objects == []


def test_odd_values_in_ephemeris_columns_become_none_not_a_failure() -> None:
    payload = _ephemeris()
    first, second = payload["eph"][0], payload["eph"][1]
    first["median"]["dec"] = "NULL"
    first["limits"]["vmag"] = {"min": "19.7", "max": "1.000000000E+99"}
    first["limits"]["junk"] = "not a range"
    second["sigma-pos"] = "n/a"
    eph = parse.parse_ephemeris(payload)

    record = eph.records[0]
    assert record.dec is None and record.ra == pytest.approx(312.8884703)
    assert record.limits["vmag"].min == pytest.approx(19.7)
    assert record.limits["vmag"].max is None
    assert "junk" not in record.limits
    assert eph.records[1].sigma_pos is None
    assert eph.records[2].median == {
        key: float(value) for key, value in payload["eph"][2]["median"].items()
    }


def test_a_sentinel_number_in_a_column_is_none() -> None:
    payload = _ephemeris()
    payload["eph"][2]["median"]["moon"] = 1.0e99
    assert parse.parse_ephemeris(payload).records[2].median["moon"] is None


def test_sentinels_in_orbit_rows_as_numbers_or_text() -> None:
    payload = {
        **HEAD,
        "orbits": {
            "count": "2",
            "fields": ["idx", "dca", "geoEcc", "moid", "newCol"],
            "data": [[0, "NULL", 1.0e99, " 0.1 ", "x"], [1, "", "-1.0E+99", "9.5E+90", None]],
        },
    }
    first, second = parse.parse_orbits(payload).orbits

    assert (first.dca, first.geo_ecc, first.moid) == (None, None, pytest.approx(0.1))
    assert (second.dca, second.geo_ecc, second.moid) == (None, None, pytest.approx(9.5e90))
    assert first.model_extra == {"newCol": "x"}
    assert first.row(["idx", "newCol"]) == [0, "x"]
