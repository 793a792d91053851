"""Follow-up statuses in the database: presses, undo, per-server privacy, threads once.

Every case runs on SQLite, and on PostgreSQL too when one is configured."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.followup import FollowupStatus, ObjectKey, PressRefused
from bot.neocp.events import EventKind, NeocpEvent
from bot.store import alert_messages, cards, migrations, statuses
from bot.store.alert_messages import ThreadClaim, ThreadState
from bot.store.engine import connect_engine
from tests.builders import scout_object
from tests.followup.helpers import P21, T0, press
from tests.store.helpers import database_before

TARGETING = FollowupStatus.TARGETING
FOUND = FollowupStatus.FOUND
GUILD = 100
OTHER_GUILD = 200


@pytest.fixture
async def conn(database_url: str) -> AsyncIterator[AsyncConnection]:
    """A migrated database, SQLite and then PostgreSQL when configured (tests/postgres.py)."""
    engine, _ = connect_engine(database_url)
    async with engine.begin() as connection:
        await migrations.upgrade(connection)
    async with engine.begin() as connection:
        yield connection
    await engine.dispose()


async def test_a_press_is_stored_and_the_team_status_follows(conn: AsyncConnection) -> None:
    await statuses.record_press(conn, press("Alice", TARGETING, 0))
    await statuses.record_press(conn, press("Dan", TARGETING, 1))
    result = await statuses.record_press(conn, press("Bob", FOUND, 2))
    assert result.team.summary() == "2 targeting, found by Bob (I41)"
    assert (await statuses.team_status(conn, GUILD, P21)).summary() == result.team.summary()


async def test_a_refused_press_writes_nothing(conn: AsyncConnection) -> None:
    await statuses.record_press(conn, press("Alice", TARGETING, 0))
    with pytest.raises(PressRefused, match="already marked targeting"):
        await statuses.record_press(conn, press("Alice", TARGETING, 5))
    team = await statuses.team_status(conn, GUILD, P21)
    assert [r.at for r in team.current] == [T0]


async def test_undo_removes_only_the_members_own_last_status(conn: AsyncConnection) -> None:
    await statuses.record_press(conn, press("Alice", TARGETING, 0))
    await statuses.record_press(conn, press("Bob", TARGETING, 1))
    await statuses.record_press(conn, press("Alice", FOUND, 2))
    result = await statuses.undo_last(conn, GUILD, P21, member_id=1)
    assert result.now_current is not None and result.now_current.status is TARGETING
    assert result.team.summary() == "2 targeting"
    await statuses.undo_last(conn, GUILD, P21, member_id=1)
    with pytest.raises(PressRefused, match="no status on P21abcd to undo"):
        await statuses.undo_last(conn, GUILD, P21, member_id=1)
    assert (await statuses.team_status(conn, GUILD, P21)).summary() == "1 targeting"


async def test_statuses_belong_to_their_server(conn: AsyncConnection) -> None:
    await statuses.record_press(conn, press("Alice", FOUND, guild_id=OTHER_GUILD))
    assert (await statuses.team_status(conn, GUILD, P21)).empty
    assert await statuses.teams_by_designation(conn, GUILD) == {}
    assert await statuses.open_targets(conn, GUILD, member_id=1) == []
    # The same member may press in this server too: a separate status.
    await statuses.record_press(conn, press("Alice", FOUND, guild_id=GUILD))


async def test_a_reused_designation_shows_only_its_newest_object(conn: AsyncConnection) -> None:
    later = ObjectKey(designation="P21abcd", first_seen=T0 + timedelta(days=400))
    await statuses.record_press(conn, press("Alice", FOUND, 0))
    await statuses.record_press(conn, press("Bob", TARGETING, 1, obj=later))
    teams = await statuses.teams_by_designation(conn, GUILD, ["P21abcd", "P99zzzz"])
    assert {d: t.summary() for d, t in teams.items()} == {"P21abcd": "1 targeting"}


async def test_open_targets_are_the_members_targeting_and_found_objects(
    conn: AsyncConnection,
) -> None:
    reported = ObjectKey(designation="P21done", first_seen=T0)
    found = ObjectKey(designation="P21seen", first_seen=T0)
    await statuses.record_press(conn, press("Alice", TARGETING, 0))
    await statuses.record_press(conn, press("Alice", FOUND, 1, obj=found))
    await statuses.record_press(conn, press("Alice", TARGETING, 2, obj=reported))
    await statuses.record_press(conn, press("Alice", FollowupStatus.REPORTED, 3, obj=reported))
    await statuses.record_press(conn, press("Bob", TARGETING, 4))
    targets = await statuses.open_targets(conn, GUILD, member_id=1)
    assert [(r.object.designation, r.status) for r, _ in targets] == [
        ("P21seen", FOUND),
        ("P21abcd", TARGETING),
    ]
    assert targets[1][1].summary() == "2 targeting"


async def _remember(conn: AsyncConnection, message_id: int = 900, channel_id: int = 50) -> None:
    await alert_messages.remember_message(
        conn, guild_id=GUILD, channel_id=channel_id, message_id=message_id, key=P21, at=T0
    )


async def test_alert_messages_are_remembered_once(conn: AsyncConnection) -> None:
    await _remember(conn)
    await _remember(conn)
    await _remember(conn, message_id=901, channel_id=51)
    found = await alert_messages.messages_of_object(conn, GUILD, P21)
    assert [(m.channel_id, m.message_id) for m in found] == [(50, 900), (51, 901)]
    assert await alert_messages.messages_of_object(conn, OTHER_GUILD, P21) == []


async def test_a_thread_is_claimed_once_and_recovered_after_a_crash(
    conn: AsyncConnection,
) -> None:
    await _remember(conn)
    assert await alert_messages.claim_thread(conn, 900) is ThreadClaim.CREATE
    # Crash here: Discord may have created the thread, nothing recorded it. The next try
    # must look for it rather than create a second one.
    assert await alert_messages.claim_thread(conn, 900) is ThreadClaim.RECOVER
    await alert_messages.thread_opened(conn, 900, thread_id=900)
    assert await alert_messages.claim_thread(conn, 900) is ThreadClaim.EXISTS
    message = await alert_messages.message(conn, 900)
    assert message is not None and message.thread_id == 900
    await alert_messages.thread_gone(conn, 900)
    assert await alert_messages.claim_thread(conn, 900) is ThreadClaim.GONE


async def test_a_refusal_that_may_pass_lets_a_later_event_try_again(
    conn: AsyncConnection,
) -> None:
    await _remember(conn)
    assert await alert_messages.claim_thread(conn, 900) is ThreadClaim.CREATE
    await alert_messages.thread_not_created(conn, 900)
    message = await alert_messages.message(conn, 900)
    assert message is not None and message.thread_state is ThreadState.NONE
    assert await alert_messages.claim_thread(conn, 900) is ThreadClaim.CREATE


async def test_the_at_risk_note_is_marked_once(conn: AsyncConnection) -> None:
    await _remember(conn)
    assert await alert_messages.note_at_risk(conn, 900, T0)
    assert not await alert_messages.note_at_risk(conn, 900, T0 + timedelta(hours=1))


async def test_departures_wait_out_their_grace_and_a_return_cancels_them(
    conn: AsyncConnection,
) -> None:
    await statuses.guild_left(conn, GUILD, T0)
    await statuses.guild_left(conn, GUILD, T0 + timedelta(days=3))  # keeps the first time
    await statuses.guild_left(conn, OTHER_GUILD, T0)
    await statuses.guild_back(conn, OTHER_GUILD)
    assert await statuses.departed_before(conn, T0 + timedelta(days=1)) == [GUILD]
    assert await statuses.departed_before(conn, T0) == []


async def test_prune_forgets_objects_seen_long_ago(conn: AsyncConnection) -> None:
    recent = ObjectKey(designation="P22new", first_seen=T0 + timedelta(days=40))
    await statuses.record_press(conn, press("Alice", FOUND))
    await statuses.record_press(conn, press("Alice", FOUND, obj=recent))
    await _remember(conn)
    assert (await cards.claim(conn, GUILD, 5, P21, at=T0)).won
    assert await statuses.prune(conn, T0 + timedelta(days=30)) == 3
    assert (await cards.claim(conn, GUILD, 5, P21, at=T0)).won, "its card claim went too"
    assert list(await statuses.teams_by_designation(conn, GUILD)) == ["P22new"]


async def test_an_old_database_gains_the_follow_up_tables(tmp_path: Path) -> None:
    async with (
        database_before(tmp_path, "1", without=statuses.TABLES) as engine,
        engine.begin() as connection,
    ):
        assert (await migrations.upgrade(connection)).before == "0001"
        await statuses.record_press(connection, press("Alice", FOUND))


async def test_a_thread_claim_on_a_forgotten_message_opens_none(conn: AsyncConnection) -> None:
    # `/alerts forget` may remove the alert between its posting and its thread.
    assert await alert_messages.claim_thread(conn, 404) is ThreadClaim.GONE


async def test_a_thread_closed_to_the_bot_is_barred_for_a_while_then_open_again(
    conn: AsyncConnection,
) -> None:
    await _remember(conn)
    await alert_messages.thread_opened(conn, 900, thread_id=900)
    update = NeocpEvent(
        kind=EventKind.REMOVED,
        designation=P21.designation,
        first_seen=P21.first_seen,
        detected_at=T0,
        object=scout_object(P21.designation),
    )
    retry_at = T0 + timedelta(hours=6)
    await alert_messages.thread_barred(conn, 900, 900, retry_at)

    assert (
        await alert_messages.open_threads(conn, [update], at=retry_at - timedelta(minutes=1)) == {}
    )
    assert await alert_messages.claim_thread(conn, 900) is ThreadClaim.GONE, "no second thread"
    threads = await alert_messages.open_threads(conn, [update], at=retry_at)
    assert threads == {(50, P21.designation, P21.first_seen): 900}, "its events try it again"
    message = await alert_messages.message(conn, 900)
    assert message is not None and message.thread_state is ThreadState.OPEN
