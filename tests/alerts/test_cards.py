"""The follow-up card of a digest's object: one per object and channel, whichever instance
takes the press, and through a crash between posting it and recording it."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from datetime import timedelta
from types import SimpleNamespace
from typing import Any
from unittest.mock import MagicMock

import discord
import pytest

from bot.alerts import cards
from bot.alerts.cards import card_in, card_nonce
from bot.followup import ObjectKey
from bot.store import Store
from tests.builders import scout_object
from tests.fakes import T0
from tests.followup.helpers import P21
from tests.postgres import throwaway_schema
from tests.store.helpers import CHANNEL, GUILD

BOT_ID = 999
_ids = itertools.count(5000)


class FakeChannel:
    """A text channel that records what the bot posts and can show its history."""

    def __init__(self) -> None:
        self.id = CHANNEL
        self.guild = SimpleNamespace(id=GUILD, me=SimpleNamespace(id=BOT_ID))
        self.posted: list[Any] = []  # newest first, as history reads
        self.refusal: Exception | None = None

    async def send(self, **kwargs: Any) -> Any:
        if self.refusal is not None:
            raise self.refusal
        message = SimpleNamespace(
            id=next(_ids), nonce=kwargs["nonce"], author=self.guild.me, embeds=[kwargs["embed"]]
        )
        self.posted.insert(0, message)
        return message

    async def history(self, *, limit: int) -> AsyncIterator[Any]:
        for message in self.posted[:limit]:
            yield message


@pytest.fixture(autouse=True)
def short_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cards, "CARD_WAIT", timedelta(seconds=0.2))
    monkeypatch.setattr(cards, "CARD_WAIT_STEP_SECONDS", 0.05)


async def press(store: Store, channel: FakeChannel, *, at: Any = T0) -> Any:
    return await card_in(store, channel, P21, scout_object("P21abcd"), clock=lambda: at)  # type: ignore[arg-type]


async def test_the_first_press_posts_the_card_and_later_ones_reuse_it(store: Store) -> None:
    channel = FakeChannel()
    first = await press(store, channel)
    again = await press(store, channel)

    assert len(channel.posted) == 1
    assert first is not None and again == first
    assert first.message_id == channel.posted[0].id


async def test_while_another_instance_posts_the_card_a_press_posts_none(store: Store) -> None:
    channel = FakeChannel()
    elsewhere = await store.claim_card(GUILD, CHANNEL, P21, at=T0)
    assert elsewhere.won

    assert await press(store, channel, at=T0 + timedelta(seconds=2)) is None
    assert channel.posted == [], "the other instance's card is on its way"


async def test_a_press_waits_for_the_card_another_instance_is_posting(store: Store) -> None:
    channel = FakeChannel()
    await store.claim_card(GUILD, CHANNEL, P21, at=T0)

    async def the_other_instance_finishes() -> None:
        await asyncio.sleep(0.05)
        await store.remember_alert_message(
            guild_id=GUILD, channel_id=CHANNEL, message_id=4242, key=P21
        )
        await store.card_posted(CHANNEL, P21, 4242)

    finishing = asyncio.create_task(the_other_instance_finishes())
    found = await press(store, channel, at=T0 + timedelta(seconds=1))
    await finishing

    assert found is not None and found.message_id == 4242
    assert channel.posted == []


async def test_a_card_posted_before_a_crash_is_found_not_posted_again(store: Store) -> None:
    channel = FakeChannel()
    await store.claim_card(GUILD, CHANNEL, P21, at=T0)
    # The crashed instance's card reached Discord; it was never recorded.
    await channel.send(embed=discord.Embed(), nonce=card_nonce(CHANNEL, P21))

    found = await press(store, channel, at=T0 + timedelta(minutes=5))

    assert len(channel.posted) == 1
    assert found is not None and found.message_id == channel.posted[0].id


async def test_a_claim_left_without_a_card_is_taken_over_and_posted_once(store: Store) -> None:
    channel = FakeChannel()
    await store.claim_card(GUILD, CHANNEL, P21, at=T0)

    found = await press(store, channel, at=T0 + timedelta(minutes=5))
    again = await press(store, channel, at=T0 + timedelta(minutes=6))

    assert len(channel.posted) == 1
    assert found is not None and again == found


async def test_a_card_discord_refused_is_tried_again_at_the_next_press(store: Store) -> None:
    channel = FakeChannel()
    channel.refusal = discord.HTTPException(MagicMock(status=403), "Missing Access")
    assert await press(store, channel) is None

    channel.refusal = None
    assert await press(store, channel, at=T0 + timedelta(seconds=3)) is not None
    assert len(channel.posted) == 1


async def test_claims_made_at_the_same_instant_have_one_winner(store: Store) -> None:
    for round_ in range(20):
        key = ObjectKey(designation=f"P21r{round_:03d}", first_seen=T0)
        claims = await asyncio.gather(
            *(store.claim_card(GUILD, CHANNEL, key, at=T0) for _ in range(3))
        )
        assert sum(claim.won for claim in claims) == 1


async def test_two_instances_on_one_postgresql_claim_one_card_between_them() -> None:
    async with throwaway_schema() as url:
        first, second = await Store.open(url), await Store.open(url)
        try:
            for round_ in range(20):
                key = ObjectKey(designation=f"P21r{round_:03d}", first_seen=T0)
                claims = await asyncio.gather(
                    first.claim_card(GUILD, CHANNEL, key, at=T0),
                    second.claim_card(GUILD, CHANNEL, key, at=T0),
                )
                assert sorted(claim.won for claim in claims) == [False, True]
        finally:
            await first.close()
            await second.close()


async def test_forgetting_the_server_forgets_its_card_claims(store: Store) -> None:
    await store.claim_card(GUILD, CHANNEL, P21, at=T0)
    await store.claim_card(GUILD + 1, CHANNEL + 1, P21, at=T0)

    await store.forget_guild(GUILD)

    assert (await store.claim_card(GUILD, CHANNEL, P21, at=T0)).won
    assert not (await store.claim_card(GUILD + 1, CHANNEL + 1, P21, at=T0)).won


async def test_a_history_discord_does_not_show_posts_no_second_card(store: Store) -> None:
    channel = FakeChannel()
    await store.claim_card(GUILD, CHANNEL, P21, at=T0)

    async def unreadable(*, limit: int) -> AsyncIterator[Any]:
        raise discord.HTTPException(MagicMock(status=503), "Service Unavailable")
        yield  # an async generator, as discord.py's history is

    channel.history = unreadable  # type: ignore[method-assign]
    assert await press(store, channel, at=T0 + timedelta(minutes=5)) is None
    assert channel.posted == [], "the crashed try may have posted it: look again later"
