"""The field that reaches 90 %, counted from Scout's sampled orbits at the field's time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.scout.models import EphemerisRecord
from bot.sky.field import MAX_MOSAIC, field_for_90

RA, DEC = 150.0, 0.0  # on the equator a degree of R.A. is a degree on the sky


def spread(*orbits: tuple[float, float, float]) -> EphemerisRecord:
    """Sampled positions (east and north of the median, arcmin) with their V."""
    return EphemerisRecord(
        time=datetime(2026, 9, 3, 2, 0, tzinfo=UTC),
        median={"ra": RA, "dec": DEC, "vmag": 21.0},
        orbit_rows=[
            {"ra": RA + east / 60, "dec": DEC + north / 60, "vmag": vmag}
            for east, north, vmag in orbits
        ],
    )


def along_a_line(
    count: int, step: float = 1.0, vmag: float = 21.0
) -> list[tuple[float, float, float]]:
    return [(step * (i + 1), 0.0, vmag) for i in range(count)]


def test_the_circle_holds_nine_in_ten_and_the_mosaic_covers_it() -> None:
    sizing = field_for_90(spread(*along_a_line(10)), diameter_arcmin=10, vmag_limit=None)
    assert sizing is not None
    assert sizing.orbits == 10 and sizing.bright_share == 1.0
    assert sizing.diameter_arcmin == pytest.approx(18.0, rel=1e-3)  # 9′ out, both ways
    assert sizing.tile_arcmin == pytest.approx(7.07, abs=0.01)  # the square inside 10′
    assert sizing.mosaic == 3  # 3 × 7.07′ = 21.2′ ≥ 18′; 2 × 7.07′ is not


def test_a_spread_already_inside_the_field_needs_no_mosaic() -> None:
    sizing = field_for_90(spread(*along_a_line(10, step=0.2)), diameter_arcmin=10, vmag_limit=None)
    assert sizing is not None and sizing.mosaic == 1


def test_a_spread_too_wide_for_a_mosaic_gives_the_diameter_only() -> None:
    sizing = field_for_90(spread(*along_a_line(10, step=30)), diameter_arcmin=5, vmag_limit=None)
    assert sizing is not None
    assert sizing.mosaic is None and sizing.diameter_arcmin is not None
    assert sizing.diameter_arcmin > MAX_MOSAIC * sizing.tile_arcmin


def test_orbits_spread_over_half_the_sky_give_the_diameter_and_no_mosaic() -> None:
    """A short arc can scatter the sampled orbits across the sky: those more than 90° from
    the median lie beyond any tangent-plane field, and must not crash the sizing."""
    far = [(120.0 * 60, 0.0, 21.0)] * 5  # 120° east of the median
    sizing = field_for_90(spread(*along_a_line(5), *far), diameter_arcmin=30, vmag_limit=None)
    assert sizing is not None
    assert sizing.mosaic is None and sizing.diameter_arcmin == pytest.approx(240 * 60, rel=1e-3)


def test_too_few_bright_enough_means_no_field_reaches_90_percent() -> None:
    orbits = [*along_a_line(8), *along_a_line(2, vmag=23.5)]
    sizing = field_for_90(spread(*orbits), diameter_arcmin=10, vmag_limit=22.0)
    assert sizing is not None
    assert sizing.bright_share == pytest.approx(0.8)
    assert sizing.diameter_arcmin is None and sizing.mosaic is None


def test_faint_orbits_are_left_out_of_the_count_as_scout_does() -> None:
    orbits = [*along_a_line(9), (100.0, 0.0, 25.0)]
    sizing = field_for_90(spread(*orbits), diameter_arcmin=10, vmag_limit=None)
    limited = field_for_90(spread(*orbits), diameter_arcmin=10, vmag_limit=22.0)
    assert sizing is not None and limited is not None
    assert sizing.diameter_arcmin == limited.diameter_arcmin == pytest.approx(18.0, rel=1e-3)
    assert limited.bright_share == pytest.approx(0.9)


def test_without_sampled_orbits_nothing_is_claimed() -> None:
    assert field_for_90(spread(), diameter_arcmin=10, vmag_limit=None) is None


def test_rows_fewer_than_the_sampled_orbits_are_not_sized() -> None:
    """Had Scout sent only the orbits in the field (or bright enough), a share of those
    would be a share of the wrong whole."""
    record = spread(*along_a_line(10))
    assert field_for_90(record, diameter_arcmin=10, vmag_limit=None, orbit_count=10)
    assert field_for_90(record, diameter_arcmin=10, vmag_limit=None, orbit_count=1000) is None
