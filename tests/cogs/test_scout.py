"""/scout through its command callbacks, with spec'd Discord mocks and a fake Scout client.

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

from bot.client import answer_error
from bot.errors import InvalidInput
from bot.scout import PLOT_KINDS, EphemerisQuery, ObjectNotFound, ScoutUnavailable
from bot.scout.models import ObjectPlots, Summary
from cogs.scout import (
    AUTOCOMPLETE_LIMIT,
    ListPager,
    ObjectView,
    Scout,
    button_ephemeris_query,
    designation_autocomplete,
    designation_choices,
)
from tests.helpers import (
    make_bot,
    make_channel_message,
    make_interaction,
    make_member,
    spec_scout_client,
)
from tests.render.data import PNG, ephemeris, make_object, observations, orbits, summary


@pytest.fixture
def scout() -> Any:
    client = spec_scout_client()
    recorded = summary()
    client.summary.return_value = recorded
    client.cached_summary.return_value = recorded
    client.object.side_effect = lambda designation: make_object(objectName=designation)
    client.ephemeris.return_value = ephemeris()
    client.orbits.return_value = orbits()
    client.observations.return_value = observations()
    client.plots.side_effect = lambda designation, kinds: ObjectPlots(
        object=make_object(objectName=designation),
        kinds=frozenset(kinds),
        plots={"qr_e_fig": PNG, "moid_hist_fig": None},
    )
    return client


@pytest.fixture
def bot(scout: Any) -> Any:
    return make_bot(scout=scout)


@pytest.fixture
def cog(bot: Any) -> Scout:
    return Scout(bot)


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
        "list": ["sort", "min_neo_score", "min_pha_score", "max_vmag", "limit"],
        "object": ["designation"],
        "ephemeris": ["designation", "start", "stop", "step", "obs_code", "ranges"],
        "fov": ["designation", "diameter", "ra", "dec", "vmag", "start", "obs_code"],
        "plots": ["designation", "kinds"],
        "orbits": ["designation", "count"],
        "observations": ["designation"],
    }


# --- /scout list ----------------------------------------------------------------------------


class TestList:
    async def test_pages_the_current_objects_for_the_person_who_asked(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        await cog.list_objects.callback(cog, interaction)
        _deferred_publicly(interaction)
        scout.summary.assert_awaited_once_with()
        sent = _sent(interaction)
        assert sent["wait"] is True
        pager = sent["view"]
        assert isinstance(pager, ListPager)
        assert pager.owner_id == interaction.user.id
        assert sent["embed"] is pager.pages[0]
        assert pager.message is not None  # kept to take the buttons away on timeout

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
    def _pager(self, owner: Any) -> ListPager:
        pages = [discord.Embed(title=f"page {n}") for n in range(1, 4)]
        return ListPager(pages, owner=owner)

    async def test_the_owner_pages_forward_and_back_within_bounds(self) -> None:
        owner = make_member(display_name="Ada")
        pager = self._pager(owner)
        assert pager.previous_page.disabled and not pager.next_page.disabled
        press = make_interaction(user=owner, kind=discord.InteractionType.component)
        assert await pager.interaction_check(press)
        await pager.next_page.callback(press)
        press.response.edit_message.assert_awaited_once()
        assert press.response.edit_message.await_args.kwargs["embed"].title == "page 2"
        assert pager.page_number.label == "2/3"
        for _ in range(2):
            await pager.next_page.callback(
                make_interaction(user=owner, kind=discord.InteractionType.component)
            )
        assert pager.index == 2 and pager.next_page.disabled

    async def test_someone_else_is_told_who_can_page(self) -> None:
        pager = self._pager(make_member(display_name="Ada"))
        stranger = make_interaction(user=make_member(), kind=discord.InteractionType.component)
        assert not await pager.interaction_check(stranger)
        stranger.response.send_message.assert_awaited_once()
        args, kwargs = stranger.response.send_message.await_args
        assert "Only Ada can page this" in args[0]
        assert kwargs == {"ephemeral": True}
        assert pager.index == 0

    async def test_timeout_takes_the_buttons_away(self, cog: Scout, interaction: Any) -> None:
        await cog.list_objects.callback(cog, interaction)
        pager = _sent(interaction)["view"]
        await pager.on_timeout()
        pager.message.edit.assert_awaited_once_with(view=None)

    async def test_after_a_press_the_timeout_edits_through_the_fresher_token(self) -> None:
        owner = make_member()
        pager = self._pager(owner)
        press = make_interaction(user=owner, kind=discord.InteractionType.component)
        await pager.next_page.callback(press)
        await pager.on_timeout()
        press.edit_original_response.assert_awaited_once_with(view=None)

    async def test_a_failed_removal_is_logged_not_raised(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        pager = self._pager(make_member())
        pager.message = make_channel_message()
        pager.message.edit.side_effect = discord.NotFound(MockResponse(404), "Unknown Message")
        with caplog.at_level(logging.INFO, logger="cogs.scout"):
            await pager.on_timeout()
        assert "could not remove the /scout list buttons" in caplog.text


class MockResponse:
    """The least of an aiohttp response that discord.HTTPException reads."""

    def __init__(self, status: int) -> None:
        self.status = status
        self.reason = "test"


# --- autocomplete ---------------------------------------------------------------------------


class TestAutocomplete:
    def test_matches_ignore_case_and_prefixes_come_first(self) -> None:
        listed = Summary(
            data=[
                make_object(objectName="ZA11xx"),
                make_object(objectName="A11EBEK"),
                make_object(objectName="P21a11"),
            ]
        )
        choices = designation_choices(listed, "a11")
        assert [choice.value for choice in choices] == ["A11EBEK", "ZA11xx", "P21a11"]
        assert choices[0].name.startswith("A11EBEK · NEO 100 · V 19.2")

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
        assert isinstance(view, ObjectView)
        labels = [item.label for item in view.children if isinstance(item, discord.ui.Button)]
        assert labels == ["Ephemeris", "Plots", "Orbits", "Observations"]

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
    def _view_and_press(self, bot: Any) -> tuple[ObjectView, Any]:
        view = ObjectView("A11EBEK")
        press = make_interaction(
            client=bot, kind=discord.InteractionType.component, message=make_channel_message()
        )
        return view, press

    async def test_plots_button_answers_like_the_command_with_every_kind(
        self, bot: Any, scout: Any
    ) -> None:
        view, press = self._view_and_press(bot)
        await view.plots.callback(press)
        _deferred_publicly(press)
        scout.plots.assert_awaited_once_with("A11EBEK", PLOT_KINDS)
        assert [f.filename for f in _sent(press)["files"]] == ["A11EBEK_qr_e.png"]

    async def test_orbits_and_observations_buttons(self, bot: Any, scout: Any) -> None:
        view, press = self._view_and_press(bot)
        await view.orbits.callback(press)
        scout.orbits.assert_awaited_once_with("A11EBEK", 1000)
        view, press = self._view_and_press(bot)
        await view.observations.callback(press)
        scout.observations.assert_awaited_once_with("A11EBEK")

    async def test_ephemeris_button_asks_for_a_day_hour_by_hour(self, bot: Any, scout: Any) -> None:
        view, press = self._view_and_press(bot)
        await view.ephemeris.callback(press)
        query = scout.ephemeris.await_args.args[0]
        assert isinstance(query, EphemerisQuery)
        assert query.designation == "A11EBEK" and query.step == "1h"
        assert query.record_count == 25

    def test_the_button_query_is_valid_whatever_the_time(self) -> None:
        query = button_ephemeris_query("A11EBEK", now=datetime(2026, 7, 12, 23, 59, tzinfo=UTC))
        assert query.starts_now and query.obs_code == "500"

    async def test_timeout_removes_the_buttons_even_after_the_token_ran_out(self, bot: Any) -> None:
        view, press = self._view_and_press(bot)
        view.message = make_channel_message()
        view.message.edit.side_effect = discord.HTTPException(MockResponse(401), "expired")
        await view.observations.callback(press)
        await view.on_timeout()
        press.message.edit.assert_awaited_once_with(view=None)


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
        (embed,) = _sent(interaction)["embeds"]
        assert embed.title == "Is 6J12821 in the field?"
        pointing = embed.fields[0].value
        assert "diameter 5′" in pointing and "limit V 21" in pointing

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
        assert "```" in sent["embeds"][0].description

    async def test_an_empty_designation_is_refused(
        self, cog: Scout, interaction: Any, scout: Any
    ) -> None:
        with pytest.raises(InvalidInput):
            await cog.observations.callback(cog, interaction, "   ")
        _nothing_happened(interaction, scout)
