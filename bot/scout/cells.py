"""Scout's cells as values: numbers and times from its text, and its "no value" spellings.

Scout sends most numbers as strings, writes "no value" several ways ("", "NULL", "-",
"n/a" ...) and puts 1.0E+99 where a number does not apply. Everything here turns those
into floats, ints, aware UTC datetimes or None, for the models and the parser.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator

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
    if value is None or is_no_value(value):
        return None
    number = lenient_float(value)
    return number if number is not None else str(value).strip()


def is_no_value(value: Any) -> bool:
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
