"""The shared formats: what a number looks like in every embed, and what a gap looks like."""

from __future__ import annotations

from datetime import UTC, datetime

import discord
import pytest

from bot.render import common
from tests.builders import empty_object, make_object


class TestNumbers:
    def test_scores_read_as_integers_and_unknown_is_not_zero(self) -> None:
        assert common.fmt_scores(make_object(neoScore=100, phaScore=3)) == "NEO 100 · PHA 3"
        assert common.fmt_score(None) == "n/a"
        assert common.fmt_score(0) == "0"

    @pytest.mark.parametrize(
        ("rating", "name"),
        [(0, "negligible"), (1, "small"), (2, "modest"), (3, "moderate"), (4, "elevated")],
    )
    def test_every_rating_has_its_scout_name(self, rating: int, name: str) -> None:
        assert common.rating_name(rating) == name
        assert common.fmt_rating(rating) == f"{rating} ({name})"

    def test_a_missing_rating_says_so(self) -> None:
        assert common.rating_name(None) == "n/a"
        assert common.fmt_rating(None) == "n/a"

    def test_the_arc_is_hours_under_a_day_and_days_after(self) -> None:
        assert common.fmt_arc(1.09) == "1.1 h"
        assert common.fmt_arc(23.9) == "23.9 h"
        assert common.fmt_arc(55.2) == "2.3 d"
        assert common.fmt_arc(None) == "n/a"

    def test_magnitudes_have_one_decimal(self) -> None:
        assert common.fmt_mag(19.24) == "19.2"
        assert common.fmt_mag(None) == "n/a"

    def test_position_is_scouts_coarse_ra_and_dec(self) -> None:
        assert common.fmt_radec(make_object(ra="20:25", dec="-47")) == "20h25m -47°"
        assert common.fmt_radec(make_object(ra="09:33", dec="+21")) == "09h33m +21°"
        assert common.fmt_radec(empty_object()) == "n/a n/a"

    def test_rate_keeps_slow_motion_readable(self) -> None:
        assert common.fmt_rate(4.8) == "4.8″/min"
        assert common.fmt_rate(0.6) == "0.60″/min"
        assert common.fmt_rate(None) == "n/a"

    def test_uncertainty_now_and_tomorrow_large_values_in_degrees(self) -> None:
        assert common.fmt_uncertainty(make_object(unc="5.4", uncP1="26")) == "5.4′ (26′ in 1 d)"
        assert common.fmt_uncertainty(make_object(unc="1200", uncP1=None)) == "20°"
        assert common.fmt_uncertainty(empty_object()) == "n/a"


class TestLinksAndTimes:
    def test_scout_page_of_an_object(self) -> None:
        assert common.scout_url("A11EBEK") == "https://cneos.jpl.nasa.gov/scout/#/object/A11EBEK"

    def test_neocp_page_of_an_object(self) -> None:
        assert common.neocp_url("A11EBEK") == (
            "https://cgi.minorplanetcenter.net/cgi-bin/showobsorbs.cgi?Obj=A11EBEK&obs=y"
        )

    def test_links_escape_what_a_url_cannot_hold(self) -> None:
        assert "a%20b%26c" in common.neocp_url("a b&c")

    def test_relative_time_is_discords_timestamp(self) -> None:
        when = datetime(2026, 7, 12, 8, 42, tzinfo=UTC)
        assert common.relative_time(when) == f"<t:{int(when.timestamp())}:R>"
        assert common.relative_time(None) == "n/a"


class TestColour:
    def test_a_moderate_rating_is_an_alarm_whatever_the_scores(self) -> None:
        assert common.object_colour(make_object(rating=3, neoScore=10)) == common.COLOUR_ALARM

    def test_a_likely_pha_stands_out(self) -> None:
        colour = common.object_colour(make_object(rating=0, phaScore=60))
        assert colour == common.COLOUR_HIGH

    def test_a_likely_neo_is_gold_and_an_unlikely_one_blue(self) -> None:
        assert common.object_colour(make_object(rating=0, phaScore=0, neoScore=90)) == (
            common.COLOUR_NEO
        )
        assert common.object_colour(make_object(rating=0, phaScore=0, neoScore=5)) == (
            common.COLOUR_LOW
        )

    def test_no_scores_at_all_is_grey(self) -> None:
        assert common.object_colour(empty_object()) == common.COLOUR_UNKNOWN
        assert isinstance(common.COLOUR_UNKNOWN, discord.Colour)


def test_truncate_marks_the_cut() -> None:
    assert common.truncate("abcdef", 4) == "abc…"
    assert common.truncate("abc", 4) == "abc"
