"""An object's thread that Discord answers 404 for is gone for good; one it answers 403 for
is closed to the bot for now: its posts go to the channel, and it is tried again later."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from unittest.mock import AsyncMock

import discord
import pytest

from bot.alerts.threads import BARRED_FOR, ThreadKeeper
from bot.store import AlertMessage, Store, ThreadState
from tests.followup.helpers import P21

GUILD, CHANNEL, MESSAGE = 111, 222, 900


def refusal(kind: type[discord.HTTPException], status: int) -> discord.HTTPException:
    response = SimpleNamespace(status=status, reason="Reason")
    return kind(response, {"code": 0, "message": "what Discord said"})  # type: ignore[arg-type]


def client_where_the_thread_answers(error: discord.HTTPException) -> Any:
    channel = SimpleNamespace(send=AsyncMock())
    return SimpleNamespace(
        get_channel=lambda channel_id: channel if channel_id == CHANNEL else None,
        fetch_channel=AsyncMock(side_effect=error),
        channel=channel,
    )


async def alert_with_a_thread(store: Store) -> AlertMessage:
    alert = await store.remember_alert_message(
        guild_id=GUILD, channel_id=CHANNEL, message_id=MESSAGE, key=P21
    )
    await store.thread_opened(MESSAGE, MESSAGE)
    found = await store.alert_message(MESSAGE)
    assert found is not None and found.thread_state is ThreadState.OPEN
    return alert


async def test_a_thread_closed_to_the_bot_sends_its_posts_to_the_channel_for_a_while(
    store: Store,
) -> None:
    client = client_where_the_thread_answers(refusal(discord.Forbidden, 403))
    alert = await alert_with_a_thread(store)
    before = datetime.now(UTC)

    assert await ThreadKeeper(client, store).post(alert, "line", channel_fallback=True)

    client.channel.send.assert_awaited_once()
    barred = await store.alert_message(MESSAGE)
    assert barred is not None and barred.thread_state is ThreadState.BARRED
    assert barred.thread_id == MESSAGE, "the thread is kept, to try again"
    assert barred.thread_retry_at is not None and barred.thread_retry_at >= before + BARRED_FOR
    # Until then the thread is not asked again: the channel has the posts.
    assert await ThreadKeeper(client, store).post(barred, "another", channel_fallback=True)
    client.fetch_channel.assert_awaited_once()


async def test_a_deleted_thread_is_gone_for_good(store: Store) -> None:
    client = client_where_the_thread_answers(refusal(discord.NotFound, 404))
    alert = await alert_with_a_thread(store)

    assert await ThreadKeeper(client, store).post(alert, "line", channel_fallback=True)

    gone = await store.alert_message(MESSAGE)
    assert gone is not None and gone.thread_state is ThreadState.GONE


@pytest.mark.parametrize(
    ("error", "state"),
    [
        (refusal(discord.Forbidden, 403), ThreadState.BARRED),
        (refusal(discord.NotFound, 404), ThreadState.GONE),
    ],
)
async def test_reopening_a_thread_tells_403_from_404(
    store: Store, error: discord.HTTPException, state: ThreadState
) -> None:
    client = client_where_the_thread_answers(error)
    alert = await alert_with_a_thread(store)

    assert await ThreadKeeper(client, store).reopened(alert) is None

    after = await store.alert_message(MESSAGE)
    assert after is not None and after.thread_state is state
