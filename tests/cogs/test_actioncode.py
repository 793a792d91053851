"""/actioncode through its callback, with spec'd Discord mocks and a mocked MPC."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from unittest.mock import MagicMock, create_autospec

import discord
import httpx
import pytest
import respx
from discord import app_commands

from bot.config import MpcSettings
from bot.error_answers import answer_error
from bot.errors import InvalidInput, RateLimited
from bot.health import UpstreamHealth
from bot.http import make_http_client
from bot.mpc import ActionCodeClient, ActionCodeResult, MpcRefused, MpcUnavailable, parse_label
from cogs.actioncode import ActionCode
from tests.fakes import FakeClock
from tests.helpers import make_bot, make_interaction, make_member

URL = "https://mpc.test/api/action-codes/retrieve"
USER = 42


def asker() -> Any:
    """A command interaction from the same member each time (the limits count per member)."""
    return make_interaction(user=make_member(member_id=USER))


async def run(cog: ActionCode, interaction: Any, label: str) -> None:
    await ActionCode.actioncode.callback(cog, interaction, label)


class TestTheCommand:
    def test_is_named_and_takes_one_label_as_the_design_says(self) -> None:
        command = ActionCode.actioncode
        assert command.name == "actioncode"
        [option] = command.parameters
        assert option.name == "label"
        assert option.required
        assert option.type is discord.AppCommandOptionType.string
        assert option.max_value == 100  # discord.py's name for a string's max_length
        # ... a little over the longest label (35), so an over-long paste gets our answer.


class TestWithAMockedClient:
    """The cog's own order of work: validate, reserve, defer, send, answer."""

    @pytest.fixture
    def mpc(self) -> Any:
        return create_autospec(ActionCodeClient, instance=True)

    async def test_validates_reserves_defers_then_asks_and_answers_privately(
        self, mpc: Any
    ) -> None:
        interaction = asker()
        steps = MagicMock()
        steps.attach_mock(mpc.reserve, "reserve")
        steps.attach_mock(interaction.response.defer, "defer")
        steps.attach_mock(mpc.request, "request")
        steps.attach_mock(interaction.followup.send, "send")
        mpc.request.return_value = ActionCodeResult(parse_label("A10cnQO"), 200)

        await run(ActionCode(make_bot(mpc_client=mpc)), interaction, "  A10cnQO ")

        assert [name for name, _, _ in steps.mock_calls] == ["reserve", "defer", "request", "send"]
        mpc.reserve.assert_called_once_with(parse_label("A10cnQO"), user_id=USER)
        interaction.response.defer.assert_awaited_once_with(ephemeral=True, thinking=True)
        mpc.request.assert_awaited_once_with(mpc.reserve.return_value)
        assert interaction.followup.send.await_args.kwargs == {"ephemeral": True}

    @pytest.mark.parametrize("label", ["", "   ", "ABC.123", "A1-_b2c3d4e5f", "2024-05-02T21:03"])
    async def test_a_bad_label_is_refused_before_anything_is_acknowledged_or_sent(
        self, mpc: Any, label: str
    ) -> None:
        interaction = asker()
        with pytest.raises(InvalidInput, match="Accepted labels:"):
            await run(ActionCode(make_bot(mpc_client=mpc)), interaction, label)
        mpc.reserve.assert_not_called()
        mpc.request.assert_not_awaited()
        interaction.response.defer.assert_not_awaited()

    async def test_a_rate_limit_is_refused_before_anything_is_acknowledged(self, mpc: Any) -> None:
        interaction = asker()
        mpc.reserve.side_effect = RateLimited("try again <t:1700003600:R>.", retry_after=3600)
        with pytest.raises(RateLimited):
            await run(ActionCode(make_bot(mpc_client=mpc)), interaction, "A10cnQO")
        interaction.response.defer.assert_not_awaited()
        mpc.request.assert_not_awaited()

    async def test_a_failed_acknowledgement_gives_the_request_back(self, mpc: Any) -> None:
        interaction = asker()
        interaction.response.defer.side_effect = discord.NotFound(
            MagicMock(status=404), "Unknown interaction"
        )
        with pytest.raises(discord.NotFound):
            await run(ActionCode(make_bot(mpc_client=mpc)), interaction, "A10cnQO")
        mpc.release.assert_called_once_with(mpc.reserve.return_value)
        mpc.request.assert_not_awaited()

    async def test_an_mpc_failure_reaches_the_error_handler(self, mpc: Any) -> None:
        interaction = asker()
        mpc.request.side_effect = MpcUnavailable("The MPC could not be reached.")
        with pytest.raises(MpcUnavailable):
            await run(ActionCode(make_bot(mpc_client=mpc)), interaction, "A10cnQO")
        interaction.followup.send.assert_not_awaited()


class TestAgainstAMockedMpc:
    """The real client behind the cog, the MPC mocked with respx, time moved by hand."""

    @pytest.fixture
    async def cog(self, clock: FakeClock) -> AsyncIterator[ActionCode]:
        http = make_http_client()
        client = ActionCodeClient(
            http,
            MpcSettings(action_codes_url=URL, per_user_per_hour=2),
            health=UpstreamHealth(),
            clock=clock.monotonic,
            wall_clock=clock.wall,
            sleep=clock.sleep,
        )
        yield ActionCode(make_bot(mpc_client=client))
        await http.aclose()

    @pytest.fixture
    def route(self, respx_mock: respx.MockRouter) -> respx.Route:
        return respx_mock.post(URL)

    async def test_the_mpc_accepts(self, cog: ActionCode, route: respx.Route) -> None:
        route.respond(200, content=b"")
        interaction = asker()
        await run(cog, interaction, "ABC12345")
        assert route.calls.last.request.content == b'{"label":"ABC12345"}'
        message = interaction.followup.send.await_args.args[0]
        assert "fits both a **trksub** and a **trkid**" in message

    async def test_a_refused_label_is_never_sent(self, cog: ActionCode, route: respx.Route) -> None:
        with pytest.raises(InvalidInput):
            await run(cog, asker(), "not a label")
        assert route.call_count == 0

    async def test_the_third_request_in_an_hour_is_refused_with_a_discord_timestamp(
        self, cog: ActionCode, route: respx.Route, clock: FakeClock
    ) -> None:
        route.respond(200)
        await run(cog, asker(), "A10cnQO")
        await run(cog, asker(), "A10cnQO")
        interaction = asker()
        with pytest.raises(RateLimited) as caught:
            await run(cog, interaction, "A10cnQO")
        retry_at = int(clock.wall() + caught.value.retry_after)
        assert f"try again <t:{retry_at}:R>." in str(caught.value)
        assert route.call_count == 2
        interaction.response.defer.assert_not_awaited()

    async def test_a_refusal_by_the_mpc_is_answered_privately_in_its_words(
        self, cog: ActionCode, route: respx.Route
    ) -> None:
        route.respond(404, json={"message": "Unknown label."})
        interaction = asker()
        with pytest.raises(MpcRefused) as caught:
            await run(cog, interaction, "A10cnQO")
        # What the tree's on_error does with it, once the interaction has been deferred.
        await answer_error(interaction, app_commands.CommandInvokeError(MagicMock(), caught.value))
        interaction.followup.send.assert_awaited_once_with(
            "The MPC refused the request (HTTP 404): Unknown label.", ephemeral=True
        )

    async def test_an_unreachable_mpc_is_said_plainly(
        self, cog: ActionCode, route: respx.Route
    ) -> None:
        route.side_effect = httpx.ConnectError("refused")
        with pytest.raises(MpcUnavailable, match=r"^The MPC could not be reached"):
            await run(cog, asker(), "A10cnQO")
        assert route.call_count == 2
