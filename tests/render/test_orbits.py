"""/scout orbits: the spread of the sampled orbits, the orbit classes, and the CSV."""

from __future__ import annotations

import csv
import io

import pytest

from bot.render.orbits import (
    is_geocentric,
    is_neo,
    is_pha,
    orbit_stats,
    orbits_csv,
    orbits_reply,
    percentile,
    spread,
)
from bot.scout.models import ObjectOrbits
from tests.builders import make_object, make_orbit
from tests.recorded import orbits


def test_percentiles_interpolate_like_numpy() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == pytest.approx(50.5)
    assert percentile(values, 0.05) == pytest.approx(5.95)
    assert percentile(values, 0.95) == pytest.approx(95.05)
    assert percentile([3.0], 0.95) == 3.0


def test_a_spread_ignores_missing_values_and_is_none_without_any() -> None:
    result = spread([None, 1.0, 2.0, 3.0])
    assert result is not None and result.median == 2.0 and result.count == 3
    assert spread([None, None]) is None


class TestOrbitClasses:
    def test_neo_is_perihelion_below_1_3_au(self) -> None:
        assert is_neo(make_orbit(qr="1.29"))
        assert not is_neo(make_orbit(qr="1.3"))
        assert not is_neo(make_orbit())

    def test_pha_needs_both_a_small_moid_and_a_bright_h(self) -> None:
        assert is_pha(make_orbit(moid="0.05", H="22.0"))
        assert not is_pha(make_orbit(moid="0.051", H="20"))
        assert not is_pha(make_orbit(moid="0.01", H="22.1"))
        assert not is_pha(make_orbit(moid="0.01"))

    def test_the_1e99_sentinel_is_not_geocentric(self) -> None:
        assert not is_geocentric(make_orbit(geoEcc="1.000000000E+99"))
        assert is_geocentric(make_orbit(geoEcc="0.8"))
        assert not is_geocentric(make_orbit(geoEcc="1.2"))


def test_stats_of_the_recorded_orbits() -> None:
    result = orbits()
    stats = orbit_stats(result.orbits)
    assert stats.total == 50
    assert stats.neo == sum(1 for o in result.orbits if o.qr is not None and o.qr < 1.3)
    assert stats.impacting == sum(1 for o in result.orbits if o.imp_flag == 1)
    assert stats.q is not None and stats.q.low <= stats.q.median <= stats.q.high


def test_the_reply_shows_median_and_range_and_shares() -> None:
    reply = orbits_reply(orbits())
    reply.check_limits()
    (embed,) = reply.embeds
    fields = {field.name: field.value for field in embed.fields}
    for name in ("q", "e", "i", "H", "MOID"):
        assert any(line.startswith(f"{name} **") for line in fields["Elements"].splitlines())
    for share in ("NEO (q < 1.3 au)", "PHA", "impacting", "geocentric"):
        assert share in fields["Share of orbits"]
    assert "50 sampled orbits (Scout counts 1000)" in (embed.description or "")


def test_the_csv_has_every_orbit_and_every_column() -> None:
    result = orbits()
    rows = list(csv.reader(io.StringIO(orbits_csv(result).decode())))
    assert rows[0] == result.fields
    assert len(rows) == 1 + len(result.orbits)
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["idx"] == str(result.orbits[0].idx)
    assert float(first["qr"]) == pytest.approx(result.orbits[0].qr)
    assert first["geoEcc"] == ""  # the sentinel: not a geocentric orbit


def test_no_orbits_is_a_sentence_and_no_attachment() -> None:
    reply = orbits_reply(ObjectOrbits(object=make_object(), orbits=[]))
    assert reply.attachments == []
    assert "no sampled orbits" in (reply.embeds[0].description or "")


def test_orbits_without_figures_read_as_missing() -> None:
    reply = orbits_reply(ObjectOrbits(object=make_object(), orbits=[make_orbit(idx=0)]))
    reply.check_limits()
    assert "q n/a" in reply.embeds[0].fields[0].value


def test_elements_have_even_precision_and_the_close_approach_spread() -> None:
    result = orbits()
    approaching = [
        make_orbit(qr="1.0", ec="0.5", inc="20", H="24", moid="0.001", dca="0.01",
                   tca="2461000.5"),
        make_orbit(qr="1.1", ec="0.6", inc="21", H="25", moid="0.002", dca="0.02",
                   tca="2461001.5"),
    ]  # fmt: skip
    embed = orbits_reply(result.model_copy(update={"orbits": approaching})).embeds[0]
    elements = {str(f.name): str(f.value) for f in embed.fields}["Elements"].splitlines()
    assert elements[2].startswith("i **20.5**° (20.1–20.9)")  # never "i 20" beside "e 0.426"
    assert elements[1].startswith("e **0.550** ")
    assert elements[5].startswith("closest **5.84** LD (4.09–7.59) in 2 orbits")
    # JD 2461000.5 is 2025-11-21 00:00 UTC; 5-95 % interpolates between the two orbits.
    assert elements[6] == "on **2025-11-21 12:00** (2025-11-21 01:12–2025-11-21 22:47) UTC"
