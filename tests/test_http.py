"""What both upstream clients read from HTTP itself: Retry-After."""

from __future__ import annotations

from email.utils import format_datetime

import pytest

from bot.http import retry_after_seconds
from tests.fakes import FakeClock


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("7", 7.0), (" 120 ", 120.0), ("1.5", 1.5), ("0", 0.0), ("-5", 0.0)],
)
def test_delta_seconds_are_read_and_never_negative(header: str, seconds: float) -> None:
    assert retry_after_seconds(header, now=0.0) == seconds


def test_an_http_date_is_counted_from_now() -> None:
    clock = FakeClock()
    later = format_datetime(clock.utc().replace(microsecond=0), usegmt=True)
    now = clock.utc().replace(microsecond=0).timestamp() - 300

    assert retry_after_seconds(later, now=now) == 300.0


def test_a_date_in_the_past_means_now() -> None:
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=2e9) == 0.0


@pytest.mark.parametrize("header", [None, "", "soon", "nan", "inf"])
def test_no_or_an_unreadable_header_is_none(header: str | None) -> None:
    assert retry_after_seconds(header, now=0.0) is None
