"""SIGTERM while an answer is under way: it gets the grace to finish; after that its
user is told the bot is restarting, instead of keeping a "thinking..." placeholder."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest

from bot import __main__ as bot_main
from bot.__main__ import LEFTOVER_WARNING
from bot.client import AnsweringButton, ScoutBot
from bot.config import Settings
from bot.shutdown import (
    RESTARTING_MESSAGE,
    AnswersUnderWay,
    finish_answers_under_way,
    tell_restarting,
)

GRACE = 0.05


def interaction(kind: discord.InteractionResponseType | None, *, loading: bool = True) -> Any:
    fake = MagicMock(spec=discord.Interaction)
    fake.response = MagicMock(spec=discord.InteractionResponse)
    fake.response.is_done.return_value = kind is not None
    fake.response.type = kind
    fake.response.send_message = AsyncMock()
    placeholder = MagicMock(spec=discord.Message)
    placeholder.flags = discord.MessageFlags(loading=loading)
    fake.original_response = AsyncMock(return_value=placeholder)
    fake.edit_original_response = AsyncMock()
    fake.followup = MagicMock(spec=discord.Webhook)
    fake.followup.send = AsyncMock()
    return fake


THINKING = discord.InteractionResponseType.deferred_channel_message


async def answering(answers: AnswersUnderWay, user: Any, seconds: float) -> None:
    with answers.answering(user):
        await asyncio.sleep(seconds)


async def test_a_slow_answer_is_cut_short_and_its_placeholder_says_the_bot_is_restarting() -> None:
    answers, user = AnswersUnderWay(), interaction(THINKING)
    task = asyncio.create_task(answering(answers, user, 60), name="CommandTree-invoker")
    await asyncio.sleep(0)

    await finish_answers_under_way(answers, GRACE)

    assert task.cancelled()
    user.edit_original_response.assert_awaited_once_with(content=RESTARTING_MESSAGE)
    assert answers.snapshot() == []


async def test_an_answer_that_finishes_within_the_grace_is_left_alone() -> None:
    answers, user = AnswersUnderWay(), interaction(THINKING)
    task = asyncio.create_task(answering(answers, user, GRACE / 5), name="CommandTree-invoker")

    await finish_answers_under_way(answers, 5.0)

    assert task.done() and not task.cancelled()
    user.edit_original_response.assert_not_awaited()


async def test_a_placeholder_already_replaced_by_an_answer_is_not_overwritten() -> None:
    user = interaction(THINKING, loading=False)
    await tell_restarting(user)
    user.edit_original_response.assert_not_awaited()
    user.followup.send.assert_not_awaited()


async def test_an_interaction_not_yet_acknowledged_gets_a_private_answer() -> None:
    user = interaction(None)
    await tell_restarting(user)
    user.response.send_message.assert_awaited_once_with(RESTARTING_MESSAGE, ephemeral=True)


async def test_a_button_press_that_updates_in_place_gets_a_private_followup() -> None:
    user = interaction(discord.InteractionResponseType.deferred_message_update)
    await tell_restarting(user)
    user.followup.send.assert_awaited_once_with(RESTARTING_MESSAGE, ephemeral=True)


async def test_discord_refusing_the_notice_is_logged_not_raised() -> None:
    user = interaction(THINKING)
    user.edit_original_response.side_effect = discord.HTTPException(
        MagicMock(status=404), "Unknown Webhook"
    )
    await tell_restarting(user)  # no exception


class _SlowButton(AnsweringButton, template=r"test:slow"):
    def __init__(self) -> None:
        super().__init__(discord.ui.Button(custom_id="test:slow"))
        self.seen: list[Any] = []

    async def pressed(self, interaction: Any) -> None:
        self.seen = interaction.client.answers_under_way.snapshot()


async def test_a_button_press_counts_as_an_answer_under_way() -> None:
    bot = ScoutBot(Settings())
    try:
        user = interaction(None)
        user.client = bot
        button = _SlowButton()
        await button.callback(user)
        assert button.seen == [user]
        assert bot.answers_under_way.snapshot() == []
    finally:
        await bot.close()


# --- the safety net after close (bot/__main__.py) --------------------------------------------


async def test_a_task_that_ignores_its_cancellation_is_named_in_one_warning_line(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(bot_main, "LEFTOVER_GRACE_SECONDS", GRACE)
    released = asyncio.Event()

    async def stubborn() -> None:
        while not released.is_set():
            with contextlib.suppress(asyncio.CancelledError):
                await released.wait()

    task = asyncio.create_task(stubborn(), name="stubborn-loop")
    await asyncio.sleep(0)
    assert not await bot_main._leftover_tasks_ended()
    released.set()
    await task
    (line,) = [r.getMessage() for r in caplog.records if LEFTOVER_WARNING in r.getMessage()]
    assert line.startswith(LEFTOVER_WARNING) and "stubborn-loop" in line


async def test_tasks_that_end_on_cancellation_pass_quietly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    task = asyncio.create_task(asyncio.Event().wait(), name="polite")
    await asyncio.sleep(0)
    assert await bot_main._leftover_tasks_ended()
    assert task.cancelled()
    assert not [r for r in caplog.records if LEFTOVER_WARNING in r.getMessage()]
