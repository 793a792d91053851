"""The follow-up watch: one at-risk note per thread, and departed servers forgotten."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.followup import FollowupStatus, ObjectKey
from bot.neocp import start_tracking
from bot.store import AlertMessage, Store
from cogs.followup import DEPARTURE_GRACE, Followup
from tests.builders import scout_object
from tests.followup.helpers import T0, press
from tests.helpers import make_bot

KEY = ObjectKey(designation="P21abcd", first_seen=T0)
GUILD = 100


class PostedNotes:
    def __init__(self) -> None:
        self.posts: list[tuple[int, str]] = []

    async def post(self, alert: AlertMessage, content: str, **_: object) -> bool:
        self.posts.append((alert.message_id, content))
        return True


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(f"sqlite:///{tmp_path}/bot.db")
    tracked = start_tracking([scout_object("P21abcd", lastRun="2026-11-28 07:05", unc=5)], now=T0)
    await opened.record_first_poll(tracked, at=T0)
    await opened.remember_alert_message(guild_id=GUILD, channel_id=50, message_id=900, key=KEY)
    await opened.claim_thread(900)
    await opened.thread_opened(900, 900)
    yield opened
    await opened.close()


def _watch(store: Store) -> tuple[Followup, PostedNotes]:
    cog = Followup(make_bot(store=store), store)
    notes = PostedNotes()
    cog.threads = notes  # type: ignore[assignment]
    return cog, notes


async def test_a_quiet_object_nobody_found_gets_one_note_in_its_thread(store: Store) -> None:
    cog, notes = _watch(store)
    assert await cog.note_risks(T0 + timedelta(hours=12)) == 0
    assert await cog.note_risks(T0 + timedelta(hours=30)) == 1
    [(message_id, text)] = notes.posts
    assert message_id == 900
    assert text.startswith("⚠️ P21abcd is at risk of being lost: no new observations for")
    assert await cog.note_risks(T0 + timedelta(hours=40)) == 0, "one note per object"


async def test_an_object_someone_found_gets_no_note(store: Store) -> None:
    await store.record_status(
        press("Bob", FollowupStatus.FOUND, obj=KEY).model_copy(update={"guild_id": GUILD})
    )
    cog, notes = _watch(store)
    assert await cog.note_risks(T0 + timedelta(hours=48)) == 0
    assert notes.posts == []


async def test_a_departed_server_is_forgotten_after_the_grace_period(store: Store) -> None:
    await store.record_status(
        press("Bob", FollowupStatus.TARGETING, obj=KEY).model_copy(update={"guild_id": GUILD})
    )
    await store.guild_left(GUILD, at=T0)
    # What the watch asks: servers left more than the grace period before now.
    soon, later = T0 + DEPARTURE_GRACE / 2, T0 + DEPARTURE_GRACE * 2
    assert await store.forget_departed_guilds(soon - DEPARTURE_GRACE) == []
    assert await store.forget_departed_guilds(later - DEPARTURE_GRACE) == [GUILD]
    assert (await store.team_status(GUILD, KEY)).empty
    assert await store.alert_messages(GUILD, KEY) == []
