"""A mistyped obs_code is refused with the codes most likely meant."""

from __future__ import annotations

import pytest

from bot.errors import InvalidInput
from bot.sky.code_suggestions import closest_codes, ephemeris_code


@pytest.mark.parametrize(
    ("typed", "code"),
    [("g96", "G96"), (" 500 ", "500"), ("C57", "C57"), ("F51 Pan-STARRS 1, Haleakala", "F51")],
)
def test_any_code_of_the_mpcs_list_is_taken_space_and_geocentre_too(typed: str, code: str) -> None:
    assert ephemeris_code(typed) == code


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("G9", "G90"),  # a code cut short: the codes it starts
        ("G 96", "G96"),
        ("g69x", "G69"),
        ("5000", "500"),
        ("pan starrs", "F51"),  # a place: every word in the name
        ("lemon", "G96"),  # a word of a name spelled alike
        ("palomr", "675"),
    ],
)
def test_the_refusal_names_the_code_meant(typed: str, meant: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        ephemeris_code(typed)
    message = str(refused.value)
    assert message.startswith(f"`{typed.strip()}` is not an MPC observatory code")
    assert f"{meant} (" in message.split("Did you mean ", 1)[1]


def test_a_swap_of_two_characters_comes_before_other_slips() -> None:
    assert [obs.code for obs in closest_codes("G69X")][:2] == ["G69", "G96"]


def test_nothing_close_is_refused_without_suggestions() -> None:
    with pytest.raises(InvalidInput) as refused:
        ephemeris_code("xyzzy qqq")
    assert "Did you mean" not in str(refused.value)
    assert "such as 500 (the geocentre), G96 or F51" in str(refused.value)


def test_the_refusal_stays_short_with_long_names() -> None:
    with pytest.raises(InvalidInput) as refused:
        ephemeris_code("Observatory")
    assert len(str(refused.value)) < 400
