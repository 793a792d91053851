"""/scout list: filters, sort orders, and pages that Discord accepts."""

from __future__ import annotations

import pytest

from bot.errors import InvalidInput
from bot.neocp.filters import ListOptions, SortKey, select_objects
from bot.render.listing import list_pages, object_field
from bot.render.reply import Reply, embed_problems
from tests.render.data import empty_object, make_object, summary


def _names(objects: list) -> list[str]:  # type: ignore[type-arg]
    return [obj.designation for obj in objects]


class TestOptions:
    @pytest.mark.parametrize(
        ("options", "complaint"),
        [
            ({"sort": "size"}, "Sort by one of"),
            ({"min_neo_score": 101}, "min_neo_score"),
            ({"min_pha_score": -1}, "min_pha_score"),
            ({"max_vmag": float("nan")}, "max_vmag"),
            ({"limit": 0}, "limit"),
        ],
    )
    def test_out_of_range_options_are_refused_with_their_name(
        self,
        options: dict,
        complaint: str,  # type: ignore[type-arg]
    ) -> None:
        with pytest.raises(InvalidInput, match=complaint):
            ListOptions.build(**options)

    def test_the_filters_are_described_in_words(self) -> None:
        options = ListOptions.build(min_neo_score=80, max_vmag=21.5)
        assert options.describe() == "NEO ≥ 80 · V ≤ 21.5"
        assert ListOptions.build().describe() == "every object"


class TestSelection:
    def test_filters_keep_only_what_passes_and_drop_unknown_values(self) -> None:
        objects = [
            make_object(objectName="A", neoScore=90, Vmag="20.0"),
            make_object(objectName="B", neoScore=50, Vmag="19.0"),
            make_object(objectName="C", neoScore=None, Vmag="18.0"),
            make_object(objectName="D", neoScore=95, Vmag=None),
        ]
        chosen = select_objects(objects, ListOptions.build(min_neo_score=80))
        assert _names(chosen) == ["D", "A"]
        chosen = select_objects(objects, ListOptions.build(min_neo_score=80, max_vmag=21))
        assert _names(chosen) == ["A"]

    def test_each_sort_puts_the_most_interesting_first_and_unknowns_last(self) -> None:
        objects = [
            make_object(
                objectName="A", phaScore=10, rating=None, Vmag="21", lastRun="2026-07-12 08:00"
            ),
            make_object(
                objectName="B", phaScore=50, rating=2, Vmag="19", lastRun="2026-07-12 09:00"
            ),
            make_object(objectName="C", phaScore=None, rating=0, Vmag=None, lastRun=None),
        ]
        assert _names(select_objects(objects, ListOptions.build(sort="pha"))) == ["B", "A", "C"]
        assert _names(select_objects(objects, ListOptions.build(sort="rating"))) == ["B", "C", "A"]
        assert _names(select_objects(objects, ListOptions.build(sort="vmag"))) == ["B", "A", "C"]
        assert _names(select_objects(objects, ListOptions.build(sort="updated"))) == ["B", "A", "C"]

    def test_limit_cuts_after_sorting(self) -> None:
        chosen = select_objects(summary().objects, ListOptions.build(sort=SortKey.NEO, limit=3))
        assert len(chosen) == 3
        assert all(obj.neo_score == 100 for obj in chosen)


class TestPages:
    def test_the_recorded_list_pages_within_discords_limits(self) -> None:
        objects = summary().objects
        options = ListOptions.build()
        pages = list_pages(select_objects(objects, options), options, total=len(objects))
        assert len(pages) > 1
        shown = [field.name.split(" · ")[0] for page in pages for field in page.fields]
        assert sorted(shown) == sorted(obj.designation for obj in objects)
        for number, page in enumerate(pages, start=1):
            assert embed_problems(page) == []
            assert f"Page {number}/{len(pages)}" in (page.footer.text or "")
            Reply(embeds=[page]).check_limits()

    def test_each_line_has_every_figure_an_observer_asked_for(self) -> None:
        name, value = object_field(make_object(objectName="A11EBEK"))
        assert name == "A11EBEK · NEO 100 · PHA 3 · rating 0 (negligible)"
        for figure in ("V 19.2", "H 22.5", "4 obs", "arc 1.1 h", "20h25m -47°", "152°", "4.8″/min"):
            assert figure in value
        assert "5.4′" in value and "<t:" in value and ":R>" in value

    def test_nulls_read_as_missing_never_as_none(self) -> None:
        name, value = object_field(empty_object())
        assert "None" not in name + value
        assert "n/a" in value

    def test_many_long_designations_still_fit(self) -> None:
        objects = [make_object(objectName=f"{i:03d}" + "W" * 250) for i in range(200)]
        pages = list_pages(objects, ListOptions.build(), total=200)
        assert sum(len(page.fields) for page in pages) == 200
        for page in pages:
            assert embed_problems(page) == []
            assert len(page) <= 6000 and len(page.fields) <= 25

    def test_an_empty_selection_says_nothing_matched(self) -> None:
        options = ListOptions.build(min_neo_score=100, max_vmag=5)
        (page,) = list_pages([], options, total=33)
        assert "No object matches" in (page.description or "")
        assert "NEO ≥ 100" in (page.description or "")

    def test_an_empty_neocp_is_not_called_a_filter_miss(self) -> None:
        (page,) = list_pages([], ListOptions.build(), total=0)
        assert "Scout lists no objects right now" in (page.description or "")
