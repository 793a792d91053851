"""The validator against the API document's rules.

The property tests generate query strings whose validity is known from how they were
made (a time *offset* from now, a step *length*, a number *in or out of range*), and
compare the validator's verdict with an oracle that applies the rules of the issue to
those generation facts. So the oracle never parses text the way the validator does: each
side can catch the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import InvalidInput
from bot.scout.validation import EphemerisQuery, ObjectRequest, validate_params
from bot.scout.values import (
    parse_fov_dec,
    parse_fov_ra,
    parse_plot_kinds,
    validate_designation,
    validate_obs_code,
)

T = TypeVar("T")

NOW = datetime(2026, 7, 12, 12, 0, 0, tzinfo=UTC)
DAY = 86_400


# --- examples --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["P10vY9r", " A11EBEK ", "6J12821", "ZTF10DD", "X"])
def test_designations_accepted(text: str) -> None:
    assert validate_designation(text) == text.strip()


@pytest.mark.parametrize("text", ["", "   ", "P10vY9r1", "P10 vY9", "2024 AB", "A11-EBK", "ÄBC"])
def test_designations_refused_with_a_sentence(text: str) -> None:
    with pytest.raises(InvalidInput, match="designation"):
        validate_designation(text)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("el", {"el"}),
        ("ca:el", {"ca", "el"}),
        ("el:ca:sr:el", {"el", "ca", "sr"}),
        ("EL, sr", {"el", "sr"}),
        ("all", {"el", "ca", "sr"}),
    ],
)
def test_plot_kinds(text: str, kinds: set[str]) -> None:
    assert parse_plot_kinds(text) == kinds


@pytest.mark.parametrize("text", ["", "xx", "el:xx", "all:el", "elements"])
def test_plot_kinds_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_plot_kinds(text)


@pytest.mark.parametrize(("text", "code"), [("500", "500"), ("f51", "F51"), (" 568 ", "568")])
def test_obs_codes(text: str, code: str) -> None:
    assert validate_obs_code(text) == code


@pytest.mark.parametrize("text", ["", "5000", "F5", "ABC", "5 0", "I4l"])
def test_obs_codes_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="MPC observatory code"):
        validate_obs_code(text)


@pytest.mark.parametrize(
    ("text", "degrees"),
    [("123.5", 123.5), ("0", 0.0), ("08:13:49.5", 123.45625), ("08 13 49.5", 123.45625)],
)
def test_fov_ra_formats(text: str, degrees: float) -> None:
    assert parse_fov_ra(text) == pytest.approx(degrees)


@pytest.mark.parametrize("text", ["360", "-1", "24:00:00", "12:60:00", "12:00:60", "12h", "1:2"])
def test_fov_ra_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match=r"R\.A\."):
        parse_fov_ra(text)


@pytest.mark.parametrize(
    ("text", "degrees"),
    [
        ("-12.5", -12.5),
        ("+45", 45.0),
        ("-12-30-00", -12.5),
        ("12 30 36", 12.51),
        ("-00-30-00", -0.5),
    ],
)
def test_fov_dec_formats(text: str, degrees: float) -> None:
    assert parse_fov_dec(text) == pytest.approx(degrees)


@pytest.mark.parametrize("text", ["90", "-90", "89-60-00", "abc", "95-00-00"])
def test_fov_dec_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="Dec"):
        parse_fov_dec(text)


def test_ephemeris_now_is_one_record_at_the_geocentre() -> None:
    query = EphemerisQuery.build("P10vY9r", now=NOW)
    assert query.starts_now and query.record_count == 1 and not query.topocentric
    assert query.params() == {"tdes": "P10vY9r", "eph-start": "now"}


def test_ephemeris_counts_records_before_asking() -> None:
    query = EphemerisQuery.build(
        "P10vY9r", start="2026-07-13", stop="2026-07-13 08:19:00", step="1m", now=NOW
    )
    assert query.record_count == 500
    with pytest.raises(InvalidInput, match="501 ephemeris times"):
        EphemerisQuery.build(
            "P10vY9r", start="2026-07-13", stop="2026-07-13 08:20:00", step="1m", now=NOW
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": "2026-08-12 12:00:01"}, "within 30 days"),
        ({"start": "2026-06-12 11:59:59"}, "within 30 days"),
        ({"start": "tomorrow"}, "not a time I can read"),
        ({"start": "2026-02-30"}, "not a real date"),
        ({"start": "2026-07-13", "stop": "2026-07-12 23:00:00"}, "later than the start"),
        ({"start": "2026-07-13", "stop": "2026-07-13"}, "later than the start"),
        ({"step": "1h"}, "needs a stop"),
        ({"start": "2026-07-13", "stop": "2026-07-14", "step": "0h"}, "positive whole number"),
        ({"start": "2026-07-13", "stop": "2026-07-14", "step": "1.5h"}, "positive whole number"),
        ({"obs_code": "XYZ1"}, "MPC observatory code"),
        ({"fov_diam": 0}, "more than 0"),
        ({"fov_diam": 1800.01}, "at most 1800"),
        ({"fov_diam": "wide"}, "must be a number"),
        ({"fov_vmag": 20}, "needs the field diameter"),
        ({"fov_diam": 5, "fov_vmag": 41}, "from 0 to 40"),
        ({"fov_diam": 5, "fov_ra": "10"}, "both"),
        ({"fov_ra": "10", "fov_dec": "10"}, "needs the field diameter"),
        (
            {"fov_diam": 5, "fov_ra": "10", "fov_dec": "10", "stop": "2026-07-13"},
            "stop time",
        ),
        ({"n_orbits": 0}, "1 to 1000"),
    ],
)
def test_ephemeris_rules_each_have_a_sentence(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        EphemerisQuery.build("P10vY9r", now=NOW, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("now", [NOW, datetime(2031, 12, 31, 23, 59, 59, tzinfo=UTC)])
def test_the_example_in_a_bad_time_refusal_works_when_copied(now: datetime) -> None:
    with pytest.raises(InvalidInput) as refused:
        EphemerisQuery.build("P10vY9r", start="tomorrow 9pm", now=now)
    example = str(refused.value).rsplit("for example ", 1)[1].rstrip(".")

    query = EphemerisQuery.build("P10vY9r", start=example, now=now)

    assert query.start is not None and timedelta(0) < query.start - now <= timedelta(days=1)


def test_ephemeris_with_everything_sends_documented_formats() -> None:
    query = EphemerisQuery.build(
        "P10vY9r",
        start="2026-07-13 01:00",
        obs_code="f51",
        fov_diam="5",
        fov_ra="08:13:49.5",
        fov_dec="-12-30-00",
        fov_vmag=23.1,
        ranges=True,
        orbits=True,
        n_orbits=100,
        now=NOW,
    )
    assert query.params() == {
        "tdes": "P10vY9r",
        "eph-start": "2026-07-13T01:00:00",
        "obs-code": "F51",
        "fov-diam": "5",
        "fov-ra": "123.45625",
        "fov-dec": "-12.5",
        "fov-vmag": "23.1",
        "ranges": "1",
        "orbits": "1",
        "n-orbits": "100",
    }


@pytest.mark.parametrize(
    "params",
    [
        {"tdes": "P10vY9r", "plot": "el", "eph-start": "now"},
        {"tdes": "P10vY9r", "file": "mpc", "obs-code": "F51"},
        {"tdes": "P10vY9r", "plot": "el", "fov-diam": "5"},
    ],
)
def test_object_and_ephemeris_parameters_never_mix(params: dict[str, str]) -> None:
    with pytest.raises(InvalidInput, match="separately"):
        validate_params(params, now=NOW)


def test_unknown_parameters_and_a_missing_designation_are_refused() -> None:
    with pytest.raises(InvalidInput, match="no parameter"):
        validate_params({"tdes": "P10vY9r", "format": "json"}, now=NOW)
    with pytest.raises(InvalidInput, match="designation"):
        validate_params({"plot": "el"}, now=NOW)


def test_object_params_round_trip() -> None:
    request = ObjectRequest("P10vY9r", frozenset({"sr", "el"}), None, True, 10)
    assert request.params() == {"tdes": "P10vY9r", "plot": "el:sr", "orbits": "1", "n-orbits": "10"}
    assert validate_params(request.params(), now=NOW) == request


# --- properties ------------------------------------------------------------------------------


@dataclass
class Case:
    """A query string, and the facts it was generated from (what the oracle judges)."""

    params: dict[str, str] = field(default_factory=dict)
    ok: dict[str, bool] = field(default_factory=dict)  # a value well-formed and in range
    times: dict[str, datetime | None] = field(default_factory=dict)  # None: "now"
    step_seconds: int | None = None
    n_orbits: int | None = None


def _mostly(valid: st.SearchStrategy[T], invalid: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """Valid five times in six, so that cases with a single flaw are common."""
    return st.integers(0, 5).flatmap(lambda roll: invalid if roll == 0 else valid)


def _valid_or_not(valid: list[str], invalid: list[str]) -> st.SearchStrategy[tuple[str, bool]]:
    return _mostly(
        st.sampled_from(valid).map(lambda v: (v, True)),
        st.sampled_from(invalid).map(lambda v: (v, False)),
    )


def _number_in(low: float, high: float, *, low_open: bool) -> st.SearchStrategy[tuple[str, bool]]:
    """Numbers around and at the bounds [low, high] (or (low, high]) and junk."""

    def judged(value: float) -> tuple[str, bool]:
        text = f"{value:.3f}"
        number = float(text)
        inside = (low < number if low_open else low <= number) and number <= high
        return text, inside

    edges = [low, high, low - 0.001, high + 0.001, low + 0.001, high - 0.001]
    return _mostly(
        st.one_of(
            st.floats(min_value=low, max_value=high).map(judged),
            st.sampled_from(edges).map(judged),
        ),
        st.one_of(
            st.floats(min_value=low - 50, max_value=high + 50).map(judged),
            st.sampled_from(["bright", "nan", "inf", ""]).map(lambda v: (v, False)),
        ),
    )


DESIGNATIONS = _valid_or_not(
    ["P10vY9r", "A11EBEK", "6J12821", "X"], ["", "P10vY9r1", "P1 0", "A-1"]
)
PLOTS = _valid_or_not(["el", "ca:el", "el:ca:sr", "sr:sr"], ["all", "el,ca", "xx", "", "el:"])
FILES = _valid_or_not(["list", "mpc"], ["foo", "MPC", ""])
FLAGS = _valid_or_not(["true", "false", "1", "0"], ["yes", "2", ""])
OBS_CODES = _valid_or_not(
    ["500", "F51", "568", "G96", "f51", "I41"], ["5000", "F5", "ABC", "", "5 0", "FF1"]
)
VMAGS = _number_in(0, 40, low_open=False)
DIAMETERS = _number_in(0, 1800, low_open=True)


@st.composite
def right_ascensions(draw: st.DrawFn) -> tuple[str, bool]:
    if draw(st.booleans()):
        degrees = draw(st.one_of(st.floats(-20, 380), st.sampled_from([0, 359.9999, 360, -0.001])))
        text = f"{degrees:.4f}"
        return text, 0 <= float(text) < 360
    h = draw(st.one_of(st.integers(0, 23), st.integers(22, 26)))
    m = draw(st.one_of(st.integers(0, 59), st.integers(58, 62)))
    s = draw(st.one_of(st.integers(0, 59), st.integers(58, 62)))
    sep = draw(st.sampled_from([":", " "]))
    return f"{h:02d}{sep}{m:02d}{sep}{s:02d}.5", h < 24 and m < 60 and s < 60


@st.composite
def declinations(draw: st.DrawFn) -> tuple[str, bool]:
    if draw(st.booleans()):
        degrees = draw(
            st.one_of(st.floats(-100, 100), st.sampled_from([90, -90, 89.9999, -89.9999]))
        )
        text = f"{degrees:+.4f}"
        return text, abs(float(text)) < 90
    sign = draw(st.sampled_from(["", "+", "-"]))
    d = draw(st.one_of(st.integers(0, 89), st.integers(88, 95)))
    m = draw(st.one_of(st.integers(0, 59), st.integers(58, 62)))
    s = draw(st.one_of(st.integers(0, 59), st.integers(58, 62)))
    sep = draw(st.sampled_from(["-", " "]))
    value = d + m / 60 + s / 3600
    return f"{sign}{d:02d}{sep}{m:02d}{sep}{s:02d}", m < 60 and s < 60 and value < 90


def _offsets() -> st.SearchStrategy[int]:
    """Seconds from now: anywhere in +-40 days, or right at the 30-day limit."""
    limit = 30 * DAY
    return st.one_of(
        st.integers(-40 * DAY, 40 * DAY),
        st.integers(-3, 3).flatmap(lambda d: st.sampled_from([limit + d, -limit + d])),
        st.integers(0, 2 * DAY),
    )


@st.composite
def times(draw: st.DrawFn) -> tuple[str, datetime | None, bool]:
    """A time text, the moment it stands for (None: now), and whether it is well-formed."""
    kind = draw(st.sampled_from(["time"] * 6 + ["date", "now", "bad"]))
    if kind == "now":
        # A bare `eph-start` means now; as a stop, "now" of any spelling is refused.
        return draw(st.sampled_from(["now", "NOW", ""])), None, True
    if kind == "bad":
        bad = ["tomorrow", "2026-13-01", "2026-02-30", "12:00", "2026-07-12 25:00:00"]
        return draw(st.sampled_from(bad)), None, False
    moment = NOW + timedelta(seconds=draw(_offsets()))
    if kind == "date":
        moment = moment.replace(hour=0, minute=0, second=0)
        return moment.strftime("%Y-%m-%d"), moment, True
    sep = draw(st.sampled_from([" ", "_", "T"]))
    return moment.strftime(f"%Y-%m-%d{sep}%H:%M:%S"), moment, True


UNITS = {"d": DAY, "h": 3600, "m": 60}


@st.composite
def steps(draw: st.DrawFn) -> tuple[str, int | None]:
    if draw(st.integers(0, 5)) == 0:
        return draw(st.sampled_from(["0h", "-1h", "2x", "h", "1.5h", "2 hours"])), None
    count, unit = draw(st.integers(1, 2000)), draw(st.sampled_from("dhm"))
    return f"{count}{unit}", count * UNITS[unit]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    case = Case()
    mode = draw(st.sampled_from(["summary"] + ["object"] * 3 + ["ephemeris"] * 6 + ["mixed"]))
    if mode == "summary":
        return case
    if draw(st.integers(0, 9)):  # mostly with a designation
        case.params["tdes"], case.ok["tdes"] = draw(DESIGNATIONS)

    def maybe(name: str, strategy: st.SearchStrategy[tuple[str, bool]], chance: int = 2) -> None:
        if draw(st.integers(0, chance)) == 0:
            case.params[name], case.ok[name] = draw(strategy)

    maybe("orbits", FLAGS, 3)
    if draw(st.integers(0, 3)) == 0:
        count = draw(st.one_of(st.integers(-5, 1100), st.sampled_from([0, 1, 1000, 1001])))
        case.params["n-orbits"], case.n_orbits = str(count), count
    if mode in ("object", "mixed"):
        maybe("plot", PLOTS, 1)
        maybe("file", FILES, 1)
    if mode in ("ephemeris", "mixed"):
        _ephemeris_times(draw, case)
        maybe("obs-code", OBS_CODES)
        maybe("ranges", FLAGS, 3)
        if draw(st.booleans()):
            _field_of_view(draw, case)
    return case


@st.composite
def field_of_view_cases(draw: st.DrawFn) -> Case:
    """Ephemeris requests whose only likely flaws are in times and the field of view."""
    case = Case(params={"tdes": "P10vY9r"}, ok={"tdes": True})
    _ephemeris_times(draw, case)
    _field_of_view(draw, case)
    return case


def _field_of_view(draw: st.DrawFn, case: Case) -> None:
    """The field-of-view options, mostly together and mostly without a stop time."""
    if draw(st.integers(0, 5)):
        case.params["fov-diam"], case.ok["fov-diam"] = draw(DIAMETERS)
    if draw(st.booleans()):
        case.params["fov-vmag"], case.ok["fov-vmag"] = draw(VMAGS)
    centred = "eph-stop" not in case.params or draw(st.integers(0, 5)) == 0
    if centred and draw(st.integers(0, 5)):
        case.params["fov-ra"], case.ok["fov-ra"] = draw(right_ascensions())
    if centred and draw(st.integers(0, 5)):
        case.params["fov-dec"], case.ok["fov-dec"] = draw(declinations())


def _ephemeris_times(draw: st.DrawFn, case: Case) -> None:
    if draw(st.integers(0, 4)):
        text, moment, ok = draw(times())
        case.params["eph-start"], case.times["eph-start"], case.ok["eph-start"] = text, moment, ok
    start = case.times.get("eph-start") if case.ok.get("eph-start", True) else None
    first = start or NOW
    stop_kind = draw(st.sampled_from(["none"] * 4 + ["span"] * 3 + ["limit"] * 2 + ["any"]))
    if stop_kind == "any":
        text, moment, ok = draw(times())
        case.params["eph-stop"], case.times["eph-stop"], case.ok["eph-stop"] = text, moment, ok
        if draw(st.booleans()):
            case.params["eph-step"], case.step_seconds = draw(steps())
        return
    if stop_kind == "none":
        if draw(st.integers(0, 9)) == 0:  # a step without a stop
            case.params["eph-step"], case.step_seconds = draw(steps())
        return
    if stop_kind == "limit":  # about 500 records, within 30 days: the count decides
        unit, step, records = "m", draw(st.integers(1, 60)) * 60, draw(st.integers(495, 505))
    else:
        unit = draw(st.sampled_from("mhd"))
        step, records = draw(st.integers(1, 3)) * UNITS[unit], draw(st.integers(1, 40))
    stop = first + timedelta(seconds=(records - 1) * step + draw(st.integers(0, step - 1)))
    if stop <= first:
        stop = first + timedelta(seconds=1)
    case.params["eph-stop"] = stop.strftime("%Y-%m-%d %H:%M:%S")
    case.times["eph-stop"], case.ok["eph-stop"] = stop, True
    if draw(st.integers(0, 5)):
        case.params["eph-step"], case.step_seconds = f"{step // UNITS[unit]}{unit}", step


def oracle(case: Case) -> bool:
    """The rules of the issue, applied to how the case was generated."""
    params, ok = case.params, case.ok
    if not params:
        return True  # summary mode
    if "tdes" not in params or not ok["tdes"]:
        return False
    object_side = {"plot", "file"} & params.keys()
    ephemeris_side = (params.keys() - {"tdes", "orbits", "n-orbits"}) - object_side
    if object_side and ephemeris_side:
        return False
    if not all(ok.get(name, True) for name in ("orbits", "ranges", "plot", "file", "obs-code")):
        return False
    if case.n_orbits is not None and not 1 <= case.n_orbits <= 1000:
        return False
    if not ephemeris_side:
        return True
    start, stop = case.times.get("eph-start"), case.times.get("eph-stop")
    if not ok.get("eph-start", True):
        return False
    has_stop = "eph-stop" in params
    if has_stop and (not ok["eph-stop"] or stop is None):
        return False  # unreadable, or "now" as a stop
    first = start or NOW
    for moment in (start, stop):
        if moment is not None and abs(moment - NOW) > timedelta(days=30):
            return False
    if stop is not None and stop <= first:
        return False
    if "eph-step" in params:
        if stop is None or case.step_seconds is None:
            return False
        records = int((stop - first).total_seconds()) // case.step_seconds + 1
    else:
        records = 2 if stop is not None else 1
    if records > 500:
        return False
    fov = {name: name in params for name in ("fov-diam", "fov-ra", "fov-dec", "fov-vmag")}
    if (fov["fov-ra"] or fov["fov-dec"] or fov["fov-vmag"]) and not fov["fov-diam"]:
        return False
    if fov["fov-ra"] != fov["fov-dec"]:
        return False
    if fov["fov-ra"] and has_stop:
        return False
    return all(ok[name] for name, given in fov.items() if given)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(cases(), field_of_view_cases()))
def test_the_validator_accepts_exactly_what_the_rules_allow(case: Case) -> None:
    try:
        request = validate_params(case.params, now=NOW)
    except InvalidInput as refusal:
        assert not oracle(case), f"refused what the rules allow: {refusal}"
        assert str(refusal) and len(str(refusal)) < 300  # a sentence, not a dump
    else:
        assert oracle(case), f"accepted what the rules refuse: {request}"


@settings(max_examples=1000, deadline=None)
@given(st.one_of(cases(), field_of_view_cases()))
def test_an_accepted_request_is_sent_in_a_form_the_validator_accepts_again(case: Case) -> None:
    try:
        request = validate_params(case.params, now=NOW)
    except InvalidInput:
        return
    if request is None:
        return
    again = validate_params(request.params(), now=NOW)
    assert again == request
    if isinstance(request, EphemerisQuery):
        assert request.record_count <= 500


@pytest.mark.parametrize(
    ("kwargs", "sent"),
    [
        ({"fov_ra": "359.99999999", "fov_dec": "0"}, {"fov-ra": "0", "fov-dec": "0"}),
        ({"fov_ra": "23:59:59.99999", "fov_dec": "-0.0000001"}, {"fov-ra": "0", "fov-dec": "0"}),
    ],
)
def test_values_are_checked_as_they_will_be_sent(
    kwargs: dict[str, str], sent: dict[str, str]
) -> None:
    query = EphemerisQuery.build("P10vY9r", fov_diam=5, now=NOW, **kwargs)  # type: ignore[arg-type]
    assert {key: query.params()[key] for key in sent} == sent


@pytest.mark.parametrize(
    "kwargs",
    [
        {"fov_diam": "0.0000001"},
        {"fov_diam": 5, "fov_ra": "0", "fov_dec": "89.9999999"},
    ],
)
def test_values_that_round_out_of_range_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        EphemerisQuery.build("P10vY9r", now=NOW, **kwargs)  # type: ignore[arg-type]
