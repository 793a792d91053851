"""/scout list: filters, sort orders, and pages that Discord accepts."""

from __future__ import annotations

import pytest

from bot.errors import InvalidInput
from bot.neocp.filters import ListOptions, SortKey, select_objects
from bot.render.listing import find_page, list_page, list_pages, object_field
from bot.render.reply import Reply, embed_problems
from tests.builders import empty_object, make_object
from tests.recorded import summary


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
        name, value = object_field(make_object(objectName="A11EBEK", caDist="3.2"))
        assert name == "A11EBEK · rating 0 (negligible) · NEO 100 · PHA 3"
        assert value.startswith("closest 3.2 LD · ")
        figures = ("V 19.2", "H 22.5", "4 obs", "arc 1.1 h", "20h25m -47° (coarse)", "152°")
        for figure in (*figures, "4.8″/min"):
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


class TestOnePage:
    """Only the page asked for is rendered; a person can jump to a page or an object."""

    def _objects(self, count: int) -> list:  # type: ignore[type-arg]
        return [make_object(objectName=f"P{i:05d}", neoScore=i % 101) for i in range(count)]

    def test_a_page_is_the_same_as_in_the_whole_list(self) -> None:
        objects = summary().objects
        options = ListOptions.build()
        selected = select_objects(objects, options)
        every = list_pages(selected, options, total=len(objects))
        for index, whole in enumerate(every):
            page = list_page(selected, options, total=len(objects), index=index)
            assert page.embed.to_dict() == whole.to_dict()
            assert (page.index, page.count) == (index, len(every))

    def test_a_page_past_the_end_is_the_last_one(self) -> None:
        objects = self._objects(20)
        page = list_page(objects, ListOptions.build(), total=20, index=9999)
        assert (page.index, page.count) == (2, 3)
        assert [f.name.split(" · ")[0] for f in page.embed.fields] == [
            "P00016",
            "P00017",
            "P00018",
            "P00019",
        ]

    def test_every_page_holds_eight_however_long_the_fields(self) -> None:
        objects = [make_object(objectName=f"{i:03d}" + "W" * 250, ra="1" * 900) for i in range(40)]
        page = list_page(objects, ListOptions.build(), total=40, index=2)
        assert len(page.embed.fields) == 8 and page.count == 5
        assert embed_problems(page.embed) == [] and len(page.embed) <= 6000

    def test_find_names_the_page_of_the_first_match_exact_case_first(self) -> None:
        twins = [make_object(objectName="A11ebek"), *self._objects(8)]
        objects = [*self._objects(30), *twins, make_object(objectName="A11EBEK")]
        assert find_page(objects, "P00017") == 2
        assert find_page(objects, "p0002") == 2  # case-insensitive prefix: P00020
        assert find_page(objects, "A11EBEK") == 4  # the exact spelling, not A11ebek
        assert find_page(objects, "a11e") == 3
        assert find_page(objects, "zzz") is None

    def test_the_default_order_leads_with_rating_then_closest_approach_then_neo(self) -> None:
        objects = [
            make_object(objectName="A", rating=None, neoScore=100, caDist="0.5"),
            make_object(objectName="B", rating=3, neoScore=10, caDist="30"),
            make_object(objectName="C", rating=3, neoScore=50, caDist="3"),
            make_object(objectName="D", rating=0, neoScore=100, caDist="1"),
            make_object(objectName="E", rating=99, neoScore=100, caDist="0.1"),  # out of range
        ]
        chosen = select_objects(objects, ListOptions.build())
        # A rating of 99 is no rating: it sorts with the unrated, by closest approach.
        assert _names(chosen) == ["C", "B", "D", "E", "A"]

    def test_the_header_counts_the_rated_objects(self) -> None:
        objects = [make_object(objectName=n, rating=r) for n, r in (("A", 2), ("B", 0), ("C", 1))]
        page = list_page(objects, ListOptions.build(), total=3)
        assert "2 rated 1 or more" in (page.embed.description or "")
