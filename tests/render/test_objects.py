"""/scout object's embed: every figure, links, colour, and what a null looks like."""

from __future__ import annotations

from datetime import UTC, datetime

import discord

from bot.render.common import COLOUR_ALARM, DATA_FOOTER, fmt_size
from bot.render.objects import object_embed
from bot.render.reply import embed_problems
from bot.scout.models import ScoutObject
from tests.builders import empty_object, make_object
from tests.recorded import samples


def _text(embed: object) -> str:
    assert hasattr(embed, "to_dict")
    return str(embed.to_dict())


def test_the_embed_links_scout_and_the_neocp_and_carries_the_figures() -> None:
    embed = object_embed(make_object(objectName="A11EBEK"))
    assert embed.url == "https://cneos.jpl.nasa.gov/scout/#/object/A11EBEK"
    assert "showobsorbs.cgi?Obj=A11EBEK" in (embed.description or "")
    text = _text(embed)
    for figure in ("NEO 100", "PHA 3", "0 (negligible)", "V 19.2", "H 22.5", "4 obs", "1.1 h"):
        assert figure in text
    assert embed.footer.text == DATA_FOOTER


def test_an_elevated_rating_colours_the_embed_red() -> None:
    assert object_embed(make_object(rating=4)).colour == COLOUR_ALARM


def test_a_record_with_only_a_name_still_renders_within_limits() -> None:
    embed = object_embed(empty_object())
    assert embed_problems(embed) == []
    assert "n/a" in _text(embed)
    assert "None" not in _text(embed)


def test_every_recorded_object_renders_within_limits() -> None:
    for record in samples():
        embed = object_embed(ScoutObject.model_validate(record))
        assert embed_problems(embed) == [], record["objectName"]


def test_a_long_designation_is_cut_in_the_title_not_refused() -> None:
    embed = object_embed(make_object(objectName="X" * 300))
    assert embed_problems(embed) == []
    assert embed.title is not None and embed.title.endswith("… on the NEOCP")


NOW = datetime(2026, 7, 12, 12, 0, tzinfo=UTC)


def _fields(embed: discord.Embed) -> dict[str, str]:
    return {str(field.name): str(field.value) for field in embed.fields}


def test_inline_fields_hold_short_lines_that_never_wrap_mid_phrase() -> None:
    """Three inline fields share about 520 px: some 18 characters each."""
    embed = object_embed(make_object(objectName="A11EBEK", uncP1="2600"), now=NOW)
    for field in embed.fields:
        assert field.inline
        for line in str(field.value).splitlines():
            assert len(line) <= 18, (field.name, line)


def test_the_size_is_given_from_h_for_bright_and_dark_surfaces() -> None:
    assert fmt_size(24.9) == "≈ 28-62 m"
    assert fmt_size(17.0) == "≈ 1.1-2.4 km"
    assert fmt_size(None) == "n/a"
    brightness = _fields(object_embed(make_object(H="24.9"), now=NOW))["Brightness"]
    assert "size ≈ 28-62 m" in brightness


def test_a_day_old_scout_run_is_flagged_stale_and_times_are_utc() -> None:
    obj = make_object(lastRun="2026-07-11 10:00")
    description = object_embed(obj, now=NOW).description or ""
    assert "Scout last ran 2026-07-11 10:00 UTC (<t:" in description
    assert "**Stale**: this run is 26 hours old" in description
    fresh = object_embed(make_object(lastRun="2026-07-12 11:00"), now=NOW).description or ""
    assert "Stale" not in fresh


def test_the_coarse_position_says_it_is_coarse() -> None:
    embed = object_embed(make_object(), now=NOW)
    assert "Position (coarse)" in _fields(embed)
    assert "coarse as Scout lists it" in (embed.description or "")
