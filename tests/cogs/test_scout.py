"""/scout through its command callbacks and its buttons, with spec'd Discord mocks and a
fake Scout client. Buttons are pressed through discord.py's own dispatch of dynamic items.

The fake is ``create_autospec(ScoutClient)``: a call with the wrong arguments fails as it
would against the real client. Its answers are the recorded payloads, parsed.
"""

from __future__ import annotations

import csv
import io
import logging
from datetime import UTC, datetime
from typing import Any

import discord
import pytest

from bot.config import Settings
from bot.error_answers import answer_error
from bot.errors import InvalidInput
from bot.guilds import REFUSAL
from bot.neocp.filters import ListOptions, select_objects
from bot.render.reply import embed_problems
from bot.scout import PLOT_KINDS, EphemerisQuery, ObjectNotFound, ScoutUnavailable
from bot.scout.errors import UNAVAILABLE_MESSAGE
from bot.scout.models import ObjectPlots, Summary
from cogs.scout import DYNAMIC_ITEMS, Scout
from cogs.scout.autocomplete import (
    AUTOCOMPLETE_LIMIT,
    designation_autocomplete,
    designation_choices,
)
from cogs.scout.object_buttons import (
    ObjectButton,
    ObjectMode,
    button_ephemeris_query,
    object_custom_id,
    object_view,
)
from cogs.scout.pager import ListPageButton, list_custom_id
from cogs.scout.paging import PagerRole
from cogs.scout.tonight import SiteEphemerisButton, TonightPageButton
from tests.builders import PNG, make_object
from tests.helpers import (
    make_bot,
    make_interaction,
    make_member,
    message_showing,
    press_button,
)
from tests.recorded import ephemeris, observations, orbits, summary


@pytest.fixture
def scout(scout: Any) -> Any:
    scout.cached_summary.return_value = scout.summary.return_value
    scout.object.side_effect = lambda designation: make_object(objectName=designation)
    scout.ephemeris.return_value = ephemeris()
    scout.orbits.return_value = orbits()
    scout.observations.return_value = observations()
    scout.plots.side_effect = lambda designation, kinds: ObjectPlots(
        object=make_object(objectName=designation),
        kinds=frozenset(kinds),
        plots={"qr_e_fig": PNG, "moid_hist_fig": None},
    )
    return scout


@pytest.fixture
def interaction(bot: Any) -> Any:
    return make_interaction(client=bot, user=make_member(name="ada", display_name="Ada"))


def _sent(interaction: Any) -> dict[str, Any]:
    """The keyword arguments of the one followup the command sent."""
    interaction.followup.send.assert_awaited_once()
    kwargs: dict[str, Any] = interaction.followup.send.await_args.kwargs
    return kwargs


def _deferred_publicly(interaction: Any) -> None:
    interaction.response.defer.assert_awaited_once_with(thinking=True)


def _nothing_happened(interaction: Any, scout: Any) -> None:
    interaction.response.defer.assert_not_awaited()
    interaction.followup.send.assert_not_awaited()
    for method in ("summary", "object", "ephemeris", "plots", "orbits", "observations"):
        getattr(scout, method).assert_not_awaited()


# --- the command list -----------------------------------------------------------------------


def test_the_commands_and_options_are_the_designs() -> None:
    group = Scout(make_bot()).__cog_app_commands_group__
    assert group is not None and group.name == "scout"
    options = {
        command.name: [parameter.name for parameter in command.parameters]
        for command in group.commands
        if isinstance(command, discord.app_commands.Command)
    }
    assert options == {
        # page and find: issue 18's jump, beside the design's options.
        "list": ["sort", "min_neo_score", "min_pha_score", "max_vmag", "limit", "page", "find"],
        "object": ["designation"],
        "ephemeris": ["designation", "start", "stop", "step", "obs_code", "ranges"],
        "fov": ["designation", "diameter", "ra", "dec", "vmag", "start", "obs_code"],
        "plots": ["designation", "kinds"],
        "orbits": ["designation", "count"],
        "observations": ["designation"],
        "tonight": ["site", "min_altitude", "max_vmag", "sort"],
    }


# --- /scout list ----------------------------------------------------------------------------


def _buttons(view: discord.ui.View) -> list[discord.ui.Button[Any]]:
    """The view's buttons as they are sent (a dynamic item shows its wrapped button)."""
    return [
        child.item if isinstance(child, discord.ui.DynamicItem) else child
        for child in view.children
    ]


def _labels(view: discord.ui.View) -> list[str | None]:
    return [button.label for button in _buttons(view)]


class TestList:
    async def test_pages_the_current_objects_for_the_person_who_asked(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        await cog.list_objects.callback(cog, interaction)
        _deferred_publicly(interaction)
        scout.summary.assert_awaited_once_with()
        sent = _sent(interaction)
        assert sent["embed"].footer.text.startswith("Page 1/5")
        pager = sent["view"]
        assert pager.timeout is None  # nothing to expire: the buttons carry their state
        assert all(isinstance(child, ListPageButton) for child in pager.children)
        assert {child.owner_id for child in pager.children} == {interaction.user.id}
        assert _labels(pager) == ["◀ Previous", "1/5", "Next ▶", "Jump…"]
        assert [button.disabled for button in _buttons(pager)] == [True, True, False, False]

    async def test_filters_reach_the_selection(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        await cog.list_objects.callback(
            cog, interaction, sort="vmag", min_neo_score=100, max_vmag=19.5, limit=2
        )
        embed = _sent(interaction)["embed"]
        assert "NEO ≥ 100 · V ≤ 19.5" in embed.description
        assert len(embed.fields) == 2
        assert "view" not in _sent(interaction)  # one page: no buttons

    async def test_page_opens_the_list_there_with_the_pager_around_it(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        await cog.list_objects.callback(cog, interaction, page=3)
        sent = _sent(interaction)
        assert sent["embed"].footer.text.startswith("Page 3/5")
        assert _labels(sent["view"]) == ["◀ Previous", "3/5", "Next ▶", "Jump…"]

    async def test_find_opens_the_page_of_the_object_typed(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        everything = select_objects(summary().objects, ListOptions.build())
        wanted = everything[-1].designation
        await cog.list_objects.callback(cog, interaction, find=wanted.lower())
        embed = _sent(interaction)["embed"]
        assert embed.footer.text.startswith("Page 5/5")
        assert any(str(field.name).startswith(wanted) for field in embed.fields)

    async def test_find_matching_nothing_is_said(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        with pytest.raises(InvalidInput, match="No object in this list matches `ZZZ`"):
            await cog.list_objects.callback(cog, interaction, find="ZZZ")

    async def test_bad_options_are_refused_before_scout_is_asked(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        with pytest.raises(InvalidInput, match="limit"):
            await cog.list_objects.callback(cog, interaction, limit=0)
        _nothing_happened(interaction, scout)

    async def test_an_empty_neocp_is_one_page_without_buttons(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        scout.summary.return_value = Summary()
        await cog.list_objects.callback(cog, interaction)
        sent = _sent(interaction)
        assert "Scout lists no objects" in sent["embed"].description
        assert "view" not in sent


class TestPager:
    """Presses go through discord.py's dispatch of dynamic items, with nothing but the
    message's components to go on: exactly the situation after a restart."""

    async def _listed(self, cog: Scout, owner: Any, **options: Any) -> Any:
        """The message /scout list posted for ``owner``, as a later press carries it."""
        asked = make_interaction(client=cog.bot, user=owner)
        await cog.list_objects.callback(cog, asked, **options)
        return message_showing(_sent(asked)["view"])

    def _press(self, bot: Any, message: Any, user: Any, guild_id: int = 111) -> Any:
        return make_interaction(
            client=bot,
            user=user,
            kind=discord.InteractionType.component,
            message=message,
            guild_id=guild_id,
        )

    async def test_the_owner_turns_the_page_from_a_fresh_list(
        self, cog: Scout, bot: Any, scout: Any
    ) -> None:
        owner = make_member(name="ada")
        press = self._press(bot, await self._listed(cog, owner), owner)
        scout.summary.reset_mock()
        await press_button(press, "Next ▶", DYNAMIC_ITEMS)
        # Acknowledged at once without a new message; Scout asked (its cache answers
        # within a minute); the page edited in place.
        press.response.defer.assert_awaited_once_with(thinking=False)
        scout.summary.assert_awaited_once_with()
        edit = press.edit_original_response.await_args.kwargs
        assert edit["embed"].footer.text.startswith("Page 2/5")
        assert _labels(edit["view"]) == ["◀ Previous", "2/5", "Next ▶", "Jump…"]
        assert [button.disabled for button in _buttons(edit["view"])] == [False, True, False, False]

    async def test_paging_back_and_to_the_end(self, cog: Scout, bot: Any) -> None:
        owner = make_member()
        message = await self._listed(cog, owner)
        for label, expected in [("Next ▶", "2/5"), ("◀ Previous", "1/5")] + [("Next ▶", "")] * 4:
            press = self._press(bot, message, owner)
            await press_button(press, label, DYNAMIC_ITEMS)
            view = press.edit_original_response.await_args.kwargs["view"]
            message = message_showing(view)
            if expected:
                assert _labels(view)[1] == expected
        assert _labels(view)[1] == "5/5"
        assert [button.disabled for button in _buttons(view)] == [False, True, True, False]

    async def test_the_options_of_the_command_hold_for_every_page(
        self, cog: Scout, bot: Any
    ) -> None:
        owner = make_member()
        message = await self._listed(cog, owner, sort="vmag", max_vmag=21.3, min_neo_score=50)
        press = self._press(bot, message, owner)
        await press_button(press, "Next ▶", DYNAMIC_ITEMS)
        embed = press.edit_original_response.await_args.kwargs["embed"]
        assert "NEO ≥ 50 · V ≤ 21.3" in embed.description
        assert "V, brightest first" in embed.description

    async def test_the_page_counter_follows_the_list_as_it_is_now(
        self, cog: Scout, bot: Any, scout: Any
    ) -> None:
        owner = make_member()
        message = await self._listed(cog, owner)
        scout.summary.return_value = Summary(data=summary().objects[:10])  # two pages now
        press = self._press(bot, message, owner)
        await press_button(press, "Next ▶", DYNAMIC_ITEMS)
        edit = press.edit_original_response.await_args.kwargs
        assert edit["embed"].footer.text.startswith("Page 2/2")
        assert _labels(edit["view"]) == ["◀ Previous", "2/2", "Next ▶", "Jump…"]

    async def test_a_list_shrunk_to_one_page_loses_its_buttons(
        self, cog: Scout, bot: Any, scout: Any
    ) -> None:
        owner = make_member()
        message = await self._listed(cog, owner)
        scout.summary.return_value = Summary(data=summary().objects[:3])
        press = self._press(bot, message, owner)
        await press_button(press, "Next ▶", DYNAMIC_ITEMS)
        edit = press.edit_original_response.await_args.kwargs
        assert edit["view"] is None
        assert len(edit["embed"].fields) == 3

    async def test_someone_else_is_told_who_can_page(
        self, cog: Scout, bot: Any, scout: Any
    ) -> None:
        owner = make_member(member_id=4242)
        message = await self._listed(cog, owner)
        scout.summary.reset_mock()
        stranger = self._press(bot, message, make_member())
        await press_button(stranger, "Next ▶", DYNAMIC_ITEMS)
        stranger.response.send_message.assert_awaited_once_with(
            "Only <@4242> can page this list; run /scout list for your own.", ephemeral=True
        )
        stranger.edit_original_response.assert_not_awaited()
        scout.summary.assert_not_awaited()

    async def test_scout_failing_on_a_press_is_answered_privately(
        self, cog: Scout, bot: Any, scout: Any
    ) -> None:
        owner = make_member()
        message = await self._listed(cog, owner)
        scout.summary.side_effect = ScoutUnavailable("503")
        press = self._press(bot, message, owner)
        await press_button(press, "Next ▶", DYNAMIC_ITEMS)
        press.followup.send.assert_awaited_once_with(UNAVAILABLE_MESSAGE, ephemeral=True)
        press.delete_original_response.assert_not_awaited()  # that is the list itself
        press.edit_original_response.assert_not_awaited()

    async def test_a_bug_on_a_press_is_answered_with_a_reference(
        self, cog: Scout, bot: Any, scout: Any, caplog: pytest.LogCaptureFixture
    ) -> None:
        owner = make_member()
        message = await self._listed(cog, owner)
        scout.summary.side_effect = ZeroDivisionError("boom")
        press = self._press(bot, message, owner)
        with caplog.at_level(logging.ERROR):
            await press_button(press, "Next ▶", DYNAMIC_ITEMS)
        answer = press.followup.send.await_args
        assert "quote reference" in answer.args[0] and answer.kwargs == {"ephemeral": True}
        assert "ZeroDivisionError" in caplog.text

    async def test_a_button_in_a_server_no_longer_served_is_refused(self, scout: Any) -> None:
        bot = make_bot(scout_client=scout, settings=Settings(discord={"allowed_guilds": [111]}))
        cog = Scout(bot)
        owner = make_member()
        message = await self._listed(cog, owner)
        scout.summary.reset_mock()
        press = self._press(bot, message, owner, guild_id=999)
        await press_button(press, "Next ▶", DYNAMIC_ITEMS)
        press.response.send_message.assert_awaited_once_with(REFUSAL, ephemeral=True)
        scout.summary.assert_not_awaited()


class TestPagerCustomId:
    def _read_back(self, custom_id: str) -> ListPageButton:
        match = ListPageButton.__discord_ui_compiled_template__.fullmatch(custom_id)
        assert match is not None, custom_id
        return ListPageButton.from_match(match)

    @pytest.mark.parametrize("vmag", [None, 19.5, 0.1 + 0.2, 1.2345678901234567e-05, 40.0])
    def test_the_longest_fits_discords_100_characters_and_reads_back_exactly(
        self, vmag: float | None
    ) -> None:
        options = ListOptions.build(
            sort="updated", min_neo_score=100, min_pha_score=100, max_vmag=vmag, limit=200
        )
        custom_id = list_custom_id(2**64 - 1, options, 9999, PagerRole.NEXT)
        assert len(custom_id) <= 100
        button = self._read_back(custom_id)
        assert button.problem is None
        assert (button.owner_id, button.page, button.role) == (2**64 - 1, 9999, PagerRole.NEXT)
        assert button.options == options

    def test_no_filters_read_back_as_none(self) -> None:
        custom_id = list_custom_id(42, ListOptions(), 0, PagerRole.PREVIOUS)
        assert custom_id == "scout:list:42:0:rating:::::prev"
        assert self._read_back(custom_id).options == ListOptions()

    @pytest.mark.parametrize(
        "custom_id",
        [
            "scout:list:42:1:bogus:::::next",
            "scout:list:42:1:neo:::1.2.3::next",
            # A page number forged past what the bot ever makes (5 digits and more).
            "scout:list:42:12345:neo:::::next",
            "scout:list:42:99999999999999999999:neo:::::at",
        ],
    )
    async def test_options_it_cannot_read_are_answered_not_dropped(
        self, bot: Any, scout: Any, custom_id: str
    ) -> None:
        view = discord.ui.View()
        view.add_item(discord.ui.Button(label="Next ▶", custom_id=custom_id))
        press = make_interaction(
            client=bot,
            user=make_member(member_id=42),
            kind=discord.InteractionType.component,
            message=message_showing(view),
        )
        await press_button(press, "Next ▶", DYNAMIC_ITEMS)
        press.response.send_message.assert_awaited_once_with(
            "This list's buttons are out of date; run /scout list again.", ephemeral=True
        )
        scout.summary.assert_not_awaited()


# --- registration ---------------------------------------------------------------------------


async def test_the_buttons_are_registered_while_the_cog_is_loaded(cog: Scout, bot: Any) -> None:
    await cog.cog_load()
    bot.add_dynamic_items.assert_called_once_with(*DYNAMIC_ITEMS)
    assert {ObjectButton, ListPageButton, TonightPageButton, SiteEphemerisButton} == set(
        DYNAMIC_ITEMS
    )
    await cog.cog_unload()
    bot.remove_dynamic_items.assert_called_once_with(*DYNAMIC_ITEMS)


def test_every_custom_id_of_ours_matches_exactly_one_template() -> None:
    ids = [object_custom_id(mode, "A11EBEK") for mode in ObjectMode] + [
        list_custom_id(1, ListOptions(), 0, role) for role in PagerRole
    ]
    for custom_id in ids:
        matching = [
            item
            for item in DYNAMIC_ITEMS
            if item.__discord_ui_compiled_template__.fullmatch(custom_id)
        ]
        assert len(matching) == 1, custom_id


# --- autocomplete ---------------------------------------------------------------------------


class TestAutocomplete:
    def test_matches_ignore_case_and_prefixes_come_first(self) -> None:
        listed = Summary(
            data=[
                make_object(objectName="ZA11xx"),
                make_object(objectName="A11EBEK"),
                make_object(objectName="P21a11", rating=3),
            ]
        )
        choices = designation_choices(listed, "a11")
        # Prefixes first; then, as in /scout list, the higher rating first.
        assert [choice.value for choice in choices] == ["A11EBEK", "P21a11", "ZA11xx"]
        assert choices[0].name == "A11EBEK (1=one) · rating 0 · NEO 100 · V 19.2"

    def test_look_alike_characters_are_spelled_out(self) -> None:
        listed = Summary(data=[make_object(objectName="PlI0O1o")])
        (choice,) = designation_choices(listed, "")
        assert choice.name.startswith(
            "PlI0O1o (I=cap i, l=small L, 1=one, O=cap o, o=small o, 0=zero) · rating 0"
        )
        assert len(choice.name) <= 100

    def test_at_most_25_choices(self) -> None:
        many = Summary(data=[make_object(objectName=f"A{i:04d}") for i in range(60)])
        assert len(designation_choices(many, "")) == AUTOCOMPLETE_LIMIT

    def test_nothing_cached_yet_offers_nothing(self) -> None:
        assert designation_choices(None, "A") == []

    async def test_answers_from_memory_without_calling_scout(
        self, interaction: Any, scout: Any
    ) -> None:
        choices = await designation_autocomplete(interaction, "a11eb")
        assert [choice.value for choice in choices] == ["A11EBEK"]
        scout.cached_summary.assert_called_once_with()
        scout.summary.assert_not_awaited()


# --- /scout object --------------------------------------------------------------------------


class TestObject:
    async def test_an_embed_with_buttons_for_every_other_mode(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        await cog.object_.callback(cog, interaction, " A11EBEK ")
        _deferred_publicly(interaction)
        scout.object.assert_awaited_once_with("A11EBEK")
        sent = _sent(interaction)
        assert sent["embed"].url == "https://cneos.jpl.nasa.gov/scout/#/object/A11EBEK"
        view = sent["view"]
        assert view.timeout is None
        assert _labels(view) == ["Ephemeris", "Plots", "Orbits", "Observations"]
        assert [button.custom_id for button in _buttons(view)] == [
            "scout:obj:eph:A11EBEK",
            "scout:obj:plots:A11EBEK",
            "scout:obj:orbits:A11EBEK",
            "scout:obj:obs:A11EBEK",
        ]

    async def test_a_record_with_an_oversized_name_keeps_its_buttons_on_the_asked_name(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        scout.object.return_value = make_object(
            objectName="P" * 5000, ra="2" * 5000, dec="-" * 5000
        )
        await cog.object_.callback(cog, interaction, "A11EBEK")
        sent = _sent(interaction)
        assert embed_problems(sent["embed"]) == []
        assert len(sent["embed"].description or "") <= 4096
        ids = [button.custom_id for button in _buttons(sent["view"])]
        assert ids[0] == "scout:obj:eph:A11EBEK"

    def test_no_button_for_a_name_no_command_would_accept(self) -> None:
        assert object_view("P" * 5000) is None
        assert object_view("P" * 5000, "A11EBEK") is not None

    async def test_a_bad_designation_is_refused_before_scout_is_asked(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        with pytest.raises(InvalidInput, match="not a NEOCP designation"):
            await cog.object_.callback(cog, interaction, "2024 AB!")
        _nothing_happened(interaction, scout)

    async def test_an_unknown_object_propagates_to_the_error_handler(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        scout.object.side_effect = ObjectNotFound("P10vY9r")
        with pytest.raises(ObjectNotFound) as caught:
            await cog.object_.callback(cog, interaction, "P10vY9r")
        # What the tree's on_error does with it: the public "thinking…" goes, a private
        # sentence comes.
        await answer_error(interaction, caught.value)
        interaction.delete_original_response.assert_awaited_once()
        interaction.followup.send.assert_awaited_once_with(caught.value.message, ephemeral=True)


class TestObjectButtons:
    """Presses through discord.py's dispatch of dynamic items: the item is rebuilt from
    the custom_id on the message, as it is after a restart."""

    def _press(self, bot: Any, designation: str = "A11EBEK") -> Any:
        return make_interaction(
            client=bot,
            kind=discord.InteractionType.component,
            message=message_showing(object_view(designation)),
        )

    async def test_plots_button_answers_like_the_command_with_every_kind(
        self, bot: Any, scout: Any
    ) -> None:
        press = self._press(bot)
        await press_button(press, "Plots", DYNAMIC_ITEMS)
        _deferred_publicly(press)
        scout.plots.assert_awaited_once_with("A11EBEK", PLOT_KINDS)
        assert [f.filename for f in _sent(press)["files"]] == ["A11EBEK_qr_e.png"]

    async def test_orbits_and_observations_buttons(self, bot: Any, scout: Any) -> None:
        await press_button(self._press(bot), "Orbits", DYNAMIC_ITEMS)
        scout.orbits.assert_awaited_once_with("A11EBEK", 1000)
        await press_button(self._press(bot), "Observations", DYNAMIC_ITEMS)
        scout.observations.assert_awaited_once_with("A11EBEK")

    async def test_ephemeris_button_asks_for_a_day_hour_by_hour(self, bot: Any, scout: Any) -> None:
        await press_button(self._press(bot), "Ephemeris", DYNAMIC_ITEMS)
        query = scout.ephemeris.await_args.args[0]
        assert isinstance(query, EphemerisQuery)
        assert query.designation == "A11EBEK" and query.step == "1h"
        assert query.record_count == 25

    def test_the_button_query_is_valid_whatever_the_time(self) -> None:
        query = button_ephemeris_query("A11EBEK", now=datetime(2026, 7, 12, 23, 59, tzinfo=UTC))
        assert query.starts_now and query.obs_code == "500"

    async def test_anyone_may_press_them(self, bot: Any, scout: Any) -> None:
        press = self._press(bot)
        press.user = make_member(name="someone else")
        await press_button(press, "Observations", DYNAMIC_ITEMS)
        scout.observations.assert_awaited_once_with("A11EBEK")

    async def test_scout_failing_on_a_press_is_answered_privately(
        self, bot: Any, scout: Any
    ) -> None:
        scout.orbits.side_effect = ObjectNotFound("A11EBEK")
        press = self._press(bot)
        await press_button(press, "Orbits", DYNAMIC_ITEMS)
        # As for the command: the public "thinking…" goes, a private sentence comes.
        press.delete_original_response.assert_awaited_once()
        (message,), kwargs = press.followup.send.await_args
        assert "A11EBEK" in message and kwargs == {"ephemeral": True}

    async def test_a_custom_id_with_no_designation_in_it_is_answered(
        self, bot: Any, scout: Any
    ) -> None:
        view = discord.ui.View()
        view.add_item(discord.ui.Button(label="Orbits", custom_id="scout:obj:orbits:2024 AB!"))
        press = make_interaction(
            client=bot, kind=discord.InteractionType.component, message=message_showing(view)
        )
        await press_button(press, "Orbits", DYNAMIC_ITEMS)
        (message,), kwargs = press.response.send_message.await_args
        assert "not a NEOCP designation" in message and kwargs == {"ephemeral": True}
        scout.orbits.assert_not_awaited()

    async def test_presses_are_counted_by_button_and_outcome(self, bot: Any, scout: Any) -> None:
        await press_button(self._press(bot), "Plots", DYNAMIC_ITEMS)
        scout.orbits.side_effect = ObjectNotFound("A11EBEK")
        await press_button(self._press(bot), "Orbits", DYNAMIC_ITEMS)
        view = discord.ui.View()
        view.add_item(discord.ui.Button(label="Orbits", custom_id="scout:obj:orbits:2024 AB!"))
        unusable = make_interaction(
            client=bot, kind=discord.InteractionType.component, message=message_showing(view)
        )
        await press_button(unusable, "Orbits", DYNAMIC_ITEMS)

        def presses(button: str, outcome: str) -> float | None:
            return bot.metrics.registry.get_sample_value(
                "scoutbot_button_presses_total", {"button": button, "outcome": outcome}
            )

        assert presses("object_plots", "ok") == 1
        assert presses("object_orbits", "error") == 1
        assert presses("object_orbits", "refused") == 1
        assert presses("object_orbits", "ok") is None


# --- /scout ephemeris and /scout fov --------------------------------------------------------


class TestEphemeris:
    async def test_a_table_and_a_csv_of_everything(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        await cog.ephemeris.callback(cog, interaction, "6J12821", obs_code="f51")
        _deferred_publicly(interaction)
        query = scout.ephemeris.await_args.args[0]
        assert query.designation == "6J12821" and query.obs_code == "F51"
        sent = _sent(interaction)
        (embed,) = sent["embeds"]
        assert "```" in embed.description
        (file,) = sent["files"]
        assert file.filename == "6J12821_ephemeris_F51.csv"
        rows = list(csv.reader(io.StringIO(file.fp.read().decode())))
        assert len(rows) == 4 and "ra_sigma_min" in rows[0]

    @pytest.mark.parametrize(
        ("options", "complaint"),
        [
            ({"step": "2h"}, "needs a stop"),
            ({"start": "yesterday"}, "not a time I can read"),
            ({"obs_code": "XYZW"}, "not an MPC observatory code"),
            ({"start": "2020-01-01"}, "within 30 days"),
        ],
    )
    async def test_bad_arguments_are_refused_before_scout_is_asked(
        self,
        cog: Scout,
        interaction: Any,
        scout: Any,
        options: dict[str, str],
        complaint: str,
    ) -> None:
        with pytest.raises(InvalidInput, match=complaint):
            await cog.ephemeris.callback(cog, interaction, "6J12821", **options)
        _nothing_happened(interaction, scout)

    async def test_scout_being_down_propagates_to_the_error_handler(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        scout.ephemeris.side_effect = ScoutUnavailable("503")
        with pytest.raises(ScoutUnavailable):
            await cog.ephemeris.callback(cog, interaction, "6J12821")
        _deferred_publicly(interaction)
        interaction.followup.send.assert_not_awaited()


class TestFieldOfView:
    async def test_the_odds_with_the_pointing(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        await cog.fov.callback(
            cog, interaction, "6J12821", 5.0, ra="20:51:33", dec="-07-42-05", vmag=21.0
        )
        _deferred_publicly(interaction)
        query = scout.ephemeris.await_args.args[0]
        assert query.fov is not None
        assert query.fov.diameter_arcmin == 5.0 and query.fov.vmag == 21.0
        assert query.fov.ra_deg == pytest.approx(312.8875)
        assert query.orbits  # the sampled positions, to size a field that reaches 90 %
        sent = _sent(interaction)
        (embed,) = sent["embeds"]
        assert embed.title == "Is 6J12821 in your field?"
        assert embed.fields[0].value.startswith("5′ across · V 21 or brighter")
        assert not sent.get("files")  # one time: no CSV

    async def test_a_centre_without_its_dec_is_refused(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        with pytest.raises(InvalidInput, match="both"):
            await cog.fov.callback(cog, interaction, "6J12821", 5.0, ra="20:51:33")
        _nothing_happened(interaction, scout)

    async def test_a_zero_field_is_refused(self, cog: Scout, interaction: Any, scout: Any) -> None:
        with pytest.raises(InvalidInput, match="diameter"):
            await cog.fov.callback(cog, interaction, "6J12821", 0.0)
        _nothing_happened(interaction, scout)


# --- /scout plots, orbits, observations -----------------------------------------------------


class TestPlots:
    async def test_the_kinds_asked_and_a_sentence_for_the_missing(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        await cog.plots.callback(cog, interaction, "A11EBEK", kinds="el:ca")
        _deferred_publicly(interaction)
        scout.plots.assert_awaited_once_with("A11EBEK", frozenset({"el", "ca"}))
        sent = _sent(interaction)
        assert [f.filename for f in sent["files"]] == ["A11EBEK_qr_e.png"]
        assert sent["embeds"][0].image.url == "attachment://A11EBEK_qr_e.png"
        assert "0.5 LD" in sent["content"]

    async def test_unknown_kinds_are_refused(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        with pytest.raises(InvalidInput, match="Unknown plot kind"):
            await cog.plots.callback(cog, interaction, "A11EBEK", kinds="orbit")
        _nothing_happened(interaction, scout)


class TestOrbits:
    async def test_the_spread_and_a_csv_of_every_orbit(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        await cog.orbits.callback(cog, interaction, "A11EBEK", count=50)
        _deferred_publicly(interaction)
        scout.orbits.assert_awaited_once_with("A11EBEK", 50)
        sent = _sent(interaction)
        assert sent["embeds"][0].fields[0].name == "Elements"
        (file,) = sent["files"]
        assert file.filename == "A11EBEK_orbits.csv"
        assert len(file.fp.read().decode().splitlines()) == 51

    async def test_a_count_out_of_range_is_refused(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        with pytest.raises(InvalidInput, match="1 to 1000"):
            await cog.orbits.callback(cog, interaction, "A11EBEK", count=1001)
        _nothing_happened(interaction, scout)


class TestObservations:
    async def test_the_file_byte_for_byte_with_a_preview(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        await cog.observations.callback(cog, interaction, "ZTF10DD")
        _deferred_publicly(interaction)
        scout.observations.assert_awaited_once_with("ZTF10DD")
        sent = _sent(interaction)
        (file,) = sent["files"]
        assert file.filename == "ZTF10DD_observations.txt"
        assert file.fp.read() == (observations().text or "").encode()
        assert sent["content"].startswith("```")  # the preview, where 80 columns fit

    async def test_an_empty_designation_is_refused(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        with pytest.raises(InvalidInput):
            await cog.observations.callback(cog, interaction, "   ")
        _nothing_happened(interaction, scout)
