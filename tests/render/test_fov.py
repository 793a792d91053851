"""/scout fov: the odds with units, where to centre in the same place as the odds, what
field or mosaic reaches 90 % when the odds are low; no raw block, no attachment."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.render.fov import fov_reply
from bot.render.reply import embed_problems
from bot.scout.models import Ephemeris, EphemerisRecord, FieldOfView
from bot.scout.validation import FieldOfViewRequest
from tests.builders import make_object

EMBED_WIDTH = 55  # monospace characters an embed shows on a desktop without wrapping
MEDIAN_RA, MEDIAN_DEC = 312.8884703, -7.7013694  # 20:51:33.2, -07°42′05″
CENTRE = "Centre on R.A. 20:51:33.2, Dec. -07°42′05″ (median of the sampled orbits)."


def _eph(fov: dict[str, object] | None, orbits: int = 0) -> Ephemeris:
    """One time, as Scout answers a field-of-view request; ``orbits`` sampled positions
    spread 1′, 2′, … north of the median."""
    record = EphemerisRecord(
        time=datetime(2026, 9, 3, 2, 0, tzinfo=UTC),
        sigma_pos=3.2,
        median={"ra": MEDIAN_RA, "dec": MEDIAN_DEC, "vmag": 21.3, "rate": 9.4, "pa": 225.0},
        orbit_rows=[
            {"ra": MEDIAN_RA, "dec": MEDIAN_DEC + (i + 1) / 60, "vmag": 21.3} for i in range(orbits)
        ],
        fov=None if fov is None else FieldOfView.from_payload(fov),
    )
    return Ephemeris(
        object=make_object(objectName="6J12821"), orbit_count=orbits or 1000, records=[record]
    )


def _lines(reply_text: str | None) -> list[str]:
    return (reply_text or "").splitlines()


def test_low_odds_in_order_odds_centre_then_the_field_for_90_percent() -> None:
    reply = fov_reply(
        _eph({"diam": "30", "prob": "0.168"}, orbits=1000), FieldOfViewRequest(30, vmag=22.0)
    )
    (embed,) = reply.embeds
    odds, centre, for_90 = _lines(embed.description)
    assert odds == (
        "**17 %** chance that 6J12821 is in your 30′ field, brighter than V 22, "
        "at 2026-09-03 02:00 UTC."
    )
    assert centre == CENTRE
    # 900th of 1000 positions 1′ apart: 900′ out, so 30° across; too wide for 7×7 of 21′.
    assert (
        for_90
        == "90 % needs a 30.0° field centred on the median (more than 7×7 pointings of your field)."
    )


def test_a_mosaic_of_the_observers_field_when_it_is_within_reach() -> None:
    reply = fov_reply(_eph({"prob": "0.3"}, orbits=10), FieldOfViewRequest(10))
    assert _lines(reply.embeds[0].description)[2] == (
        "90 % needs a 18′ field centred on the median, or a 3×3 mosaic of your field "
        "(9 pointings, 7.1′ apart)."
    )


def test_when_too_few_are_bright_enough_it_says_no_field_reaches_90_percent() -> None:
    eph = _eph({"prob": "0.2"}, orbits=10)
    for orbit in eph.records[0].orbit_rows[:3]:
        orbit["vmag"] = 23.0
    reply = fov_reply(eph, FieldOfViewRequest(10, vmag=22.0))
    assert _lines(reply.embeds[0].description)[2] == (
        "No field reaches 90 %: only 70 % of the 10 sampled orbits are brighter than V 22."
    )


@pytest.mark.parametrize("prob", ["0.9", "0.97", "95"])
def test_good_odds_need_no_advice(prob: str) -> None:
    reply = fov_reply(_eph({"prob": prob}, orbits=10), FieldOfViewRequest(10))
    assert len(_lines(reply.embeds[0].description)) == 2


def test_without_sampled_orbits_no_field_is_claimed() -> None:
    reply = fov_reply(_eph({"prob": "0.2"}), FieldOfViewRequest(10))
    assert _lines(reply.embeds[0].description)[1:] == [CENTRE]


def test_without_every_sampled_orbit_no_field_is_claimed() -> None:
    eph = _eph({"prob": "0.2"}, orbits=10).model_copy(update={"orbit_count": 1000})
    reply = fov_reply(eph, FieldOfViewRequest(10))
    assert _lines(reply.embeds[0].description)[1:] == [CENTRE]


def test_the_observers_own_centre_and_the_median_both_shown() -> None:
    pointing = FieldOfViewRequest(5, ra_deg=312.9, dec_deg=-7.7, vmag=22.0)
    reply = fov_reply(_eph({"count": "370"}), pointing, obs_code="F51")
    odds, centre = _lines(reply.embeds[0].description)[:2]
    assert odds.endswith("(370 of 1000 sampled orbits).") and "**37 %**" in odds
    assert centre == (
        "Your centre: R.A. 20:51:36.0, Dec. -07°42′00″. "
        "The median of the sampled orbits is at R.A. 20:51:33.2, Dec. -07°42′05″."
    )


def test_every_figure_has_its_unit_and_the_raw_block_and_csv_are_gone() -> None:
    reply = fov_reply(
        _eph({"diam": "30", "prob": "0.168"}), FieldOfViewRequest(30, vmag=22.0), obs_code="F51"
    )
    reply.check_limits()
    (embed,) = reply.embeds
    assert embed_problems(embed) == []
    assert reply.attachments == []  # one time: everything is in the answer
    fields = {field.name: str(field.value) for field in embed.fields}
    assert list(fields) == ["Your field", "Object (median)"]  # no "diam: 30 / prob: 0.168"
    assert fields["Your field"].splitlines() == [
        "30′ across · V 22 or brighter",
        "from Pan-STARRS 1, Haleakala (F51)",
        "at 2026-09-03 02:00:00 UTC",
    ]
    assert fields["Object (median)"].splitlines() == [
        "V 21.3",
        "moving 9.4″/min toward PA 225°",
        "1-σ uncertainty 3.2′",
    ]
    assert all(not field.inline for field in embed.fields)
    assert max(len(line) for value in fields.values() for line in value.splitlines()) <= EMBED_WIDTH


def test_odds_it_cannot_read_are_shown_raw_not_guessed() -> None:
    reply = fov_reply(_eph({"note": "odd"}), FieldOfViewRequest(10))
    assert "states no odds" in (reply.embeds[0].description or "")
    assert reply.embeds[0].fields[-1].value == "note: odd"


def test_without_a_field_answer_it_says_scout_gave_none() -> None:
    reply = fov_reply(_eph(None), FieldOfViewRequest(10))
    assert "gave no field-of-view answer" in (reply.embeds[0].description or "")
