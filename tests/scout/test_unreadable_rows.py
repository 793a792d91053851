"""One malformed summary row is skipped and counted; the other rows are still read."""

from __future__ import annotations

import copy
import logging
from typing import Any

import pytest

from bot.scout import parse
from tests.recorded import payload

SUMMARY = payload("summary.json")


def summary_with(*changes: tuple[int, dict[str, Any]]) -> dict[str, Any]:
    payload = copy.deepcopy(SUMMARY)
    for index, fields in changes:
        payload["data"][index].update(fields)
    return payload


@pytest.fixture(autouse=True)
def _nothing_logged_yet() -> None:
    parse._logged_rows.clear()


def test_bad_rows_are_skipped_and_named_and_the_rest_is_read() -> None:
    payload = summary_with((0, {"objectName": 12345}), (1, {"lastRun": "not a date"}))
    payload["data"].append(["not", "a", "row"])

    summary = parse.parse_summary(payload)

    assert len(summary.objects) == 31
    assert summary.rows == 34
    assert [row.designation for row in summary.unreadable] == [None, "A11EpSe", None]
    assert (
        "lastRun" in summary.unreadable[1].reason and "not a date" in summary.unreadable[1].reason
    )
    assert summary.find("A11EvW0") is not None and summary.find("A11EpSe") is None


def test_a_blank_designation_is_an_unreadable_row() -> None:
    summary = parse.parse_summary(summary_with((0, {"objectName": "  "})))
    assert len(summary.objects) == 32 and summary.unreadable[0].designation is None


def test_each_bad_row_is_logged_once_not_at_every_poll(caplog: pytest.LogCaptureFixture) -> None:
    payload = summary_with((1, {"lastRun": "not a date"}))
    with caplog.at_level(logging.WARNING, logger="bot.scout.parse"):
        for _ in range(3):
            parse.parse_summary(payload)
        parse.parse_summary(summary_with((2, {"Vmag": "bright"})))

    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 2
    assert "A11EpSe" in lines[0] and "A11EvW0" in lines[1]
    assert all("\n" not in line for line in lines)
