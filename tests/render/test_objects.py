"""/scout object's embed: every figure, links, colour, and what a null looks like."""

from __future__ import annotations

from bot.render.common import COLOUR_ALARM, DATA_FOOTER
from bot.render.objects import object_embed
from bot.render.reply import embed_problems
from bot.scout.models import ScoutObject
from tests.render.data import empty_object, make_object, samples


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
