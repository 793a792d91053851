"""Databases written by earlier versions open with their data intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.neocp import AlertFilter, EventSelection, NeocpEvent
from bot.store import Store
from bot.store.migrations import LEGACY_REFUSAL_VERSION
from tests.builders import scout_object
from tests.fakes import T0
from tests.store.helpers import subscription

# The subscriptions table as schema version 1 created it: a column per threshold.
V1_SUBSCRIPTIONS = """
CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id BIGINT NOT NULL,
    channel_id BIGINT NOT NULL UNIQUE,
    min_neo_score INTEGER,
    min_pha_score INTEGER,
    max_vmag FLOAT,
    min_rating INTEGER,
    events VARCHAR(16) NOT NULL,
    mention_role_id BIGINT,
    created_by BIGINT NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    state VARCHAR(16) NOT NULL,
    last_failure TEXT,
    last_failure_at DATETIME,
    last_delivery_at DATETIME
)
"""


def write_v1_database(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (key VARCHAR(64) PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('schema_version', '1')")
        db.execute(V1_SUBSCRIPTIONS)
        rows = [
            (1, 111, 222, 80, None, 21.5, None, "new+updates", 7001),
            (2, 111, 223, None, None, None, 2, "all", None),
        ]
        db.executemany(
            "INSERT INTO subscriptions (id, guild_id, channel_id, min_neo_score, "
            "min_pha_score, max_vmag, min_rating, events, mention_role_id, created_by, "
            "created_at, updated_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 42, "
            "'2026-07-01 12:00:00', '2026-07-01 12:00:00', 'active')",
            rows,
        )


async def test_version_1_thresholds_become_one_filter_document(tmp_path: Path) -> None:
    write_v1_database(tmp_path / "v1.db")

    store = await Store.open(f"sqlite:///{tmp_path}/v1.db")
    try:
        first, second = await store.guild_subscriptions(111)
    finally:
        await store.close()

    assert first.filter == AlertFilter(
        min_neo_score=80, max_vmag=21.5, events=EventSelection.NEW_UPDATES
    )
    assert first.mention_role_id == 7001
    assert second.filter == AlertFilter(min_rating=2)
    with sqlite3.connect(tmp_path / "v1.db") as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(subscriptions)")}
        version = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    assert "filter" in columns and "min_neo_score" not in columns
    assert version == (LEGACY_REFUSAL_VERSION,)  # scout-bot from before Alembic refuses it


async def test_a_filter_field_added_later_reads_its_default_from_older_documents(
    tmp_path: Path,
) -> None:
    write_v1_database(tmp_path / "v1.db")
    await (await Store.open(f"sqlite:///{tmp_path}/v1.db")).close()
    with sqlite3.connect(tmp_path / "v1.db") as db:
        db.execute("""UPDATE subscriptions SET filter = '{"min_neo_score": 90}' WHERE id = 1""")

    store = await Store.open(f"sqlite:///{tmp_path}/v1.db")
    try:
        saved = await store.subscription_for_channel(111, 222)
    finally:
        await store.close()

    assert saved is not None and saved.filter == AlertFilter(min_neo_score=90)


async def test_deliveries_queued_by_version_4_become_messages_with_their_nonce(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/v4.db"
    store = await Store.open(url)
    saved, _ = await store.save_subscription(subscription(222))
    await store.close()
    # Turn the fresh database back into version 4's outbox: a row per event and channel.
    with sqlite3.connect(tmp_path / "v4.db") as db:
        db.execute("DROP TABLE messages")
        db.execute("DROP TABLE digests")
        db.execute(V4_DELIVERIES)
        for event_id, designation in ((1, "P21pend"), (2, "P21post"), (3, "P21sent")):
            db.execute(
                "INSERT INTO events (id, kind, designation, first_seen, detected_at, payload) "
                "VALUES (?, 'new', ?, '2026-07-01 12:00:00', '2026-07-01 12:00:00', ?)",
                (event_id, designation, new_event(designation).model_dump_json(by_alias=True)),
            )
        db.executemany(
            "INSERT INTO deliveries (event_id, subscription_id, state, nonce, attempts, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, 0, '2026-07-01 12:00:00', "
            "'2026-07-01 12:00:00')",
            [
                (1, saved.id, "pending", None),
                (2, saved.id, "posting", "abc123"),
                (3, saved.id, "sent", None),
            ],
        )
        # As the hand-written runner left it: version 4, no Alembic revision yet.
        db.execute("DROP TABLE alembic_version")
        db.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")

    store = await Store.open(url)
    try:
        rows = (await store.due_messages()).rows
        events = await store.events(i for row in rows for i in row.event_ids)
    finally:
        await store.close()

    assert [(r.state.value, r.nonce) for r in rows] == [("pending", None), ("posting", "abc123")]
    assert sorted(e.designation for e in events.values()) == ["P21pend", "P21post"]


V4_DELIVERIES = """
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    state VARCHAR(16) NOT NULL,
    nonce VARCHAR(32),
    attempts INTEGER NOT NULL,
    message_id BIGINT,
    reason TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (event_id, subscription_id)
)
"""


def new_event(designation: str) -> NeocpEvent:
    return NeocpEvent.first_listed(scout_object(designation), T0)
