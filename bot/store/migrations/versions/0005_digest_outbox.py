"""The outbox as messages owed to channels, each carrying a digest of a poll's events (the
hand-written runner's version 5).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

Version 4 queued a row per event and channel (``deliveries``); whatever was still queued
becomes a message of its own, keeping its state and nonce, so nothing queued is lost or
posted twice across the upgrade.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_digests = sa.Table(
    "digests",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),  # so that the new row's id is known
    sa.Column("event_ids", sa.Text),
    sa.Column("created_at", sa.DateTime),
)
_messages = sa.table(
    "messages",
    sa.column("digest_id", sa.Integer),
    sa.column("subscription_id", sa.Integer),
    sa.column("channel_id", sa.BigInteger),
    sa.column("state", sa.String),
    sa.column("nonce", sa.String),
    sa.column("attempts", sa.Integer),
    sa.column("reason", sa.Text),
)


def upgrade() -> None:
    bind = op.get_bind()
    tables = set(sa.inspect(bind).get_table_names())
    if "digests" not in tables:
        op.create_table(
            "digests",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("event_ids", sa.Text, nullable=False),
            sa.Column("created_at", sa.DateTime, nullable=False, index=True),
        )
    if "messages" not in tables:
        op.create_table(
            "messages",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column(
                "digest_id",
                sa.Integer,
                sa.ForeignKey("digests.id", ondelete="CASCADE"),
                nullable=False,
                index=True,
            ),
            sa.Column(
                "subscription_id",
                sa.Integer,
                sa.ForeignKey("subscriptions.id", ondelete="CASCADE"),
                nullable=False,
                index=True,
            ),
            sa.Column("channel_id", sa.BigInteger, nullable=False),
            sa.Column("thread_id", sa.BigInteger),
            sa.Column("state", sa.String(16), nullable=False),
            sa.Column("nonce", sa.String(32), index=True),
            sa.Column("attempts", sa.Integer, nullable=False),
            sa.Column("message_id", sa.BigInteger),
            sa.Column("reason", sa.Text),
            sa.Column("updated_at", sa.DateTime),
            sa.Index("ix_messages_state", "state"),
        )
    if "deliveries" not in tables:
        return
    queued = bind.execute(
        sa.text(
            "SELECT d.id, d.event_id, d.subscription_id, s.channel_id, d.state, d.nonce, "
            "d.attempts, d.reason, d.created_at FROM deliveries d "
            "JOIN subscriptions s ON s.id = d.subscription_id "
            "WHERE d.state IN ('pending', 'posting') ORDER BY d.id"
        )
    ).mappings()
    for row in list(queued):
        created = bind.execute(
            _digests.insert().values(
                event_ids=f"[{row['event_id']}]", created_at=_naive_utc(row["created_at"])
            )
        )
        assert created.inserted_primary_key is not None
        bind.execute(
            _messages.insert().values(
                digest_id=created.inserted_primary_key[0],
                subscription_id=row["subscription_id"],
                channel_id=row["channel_id"],
                state=row["state"],
                nonce=row["nonce"],
                attempts=row["attempts"],
                reason=row["reason"],
            )
        )
    op.drop_table("deliveries")


def _naive_utc(value: datetime | str) -> datetime:
    """As the store keeps times: UTC without a zone (SQLite hands text() results as text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def downgrade() -> None:
    raise NotImplementedError("the outbox cannot go back to per-event rows: restore a backup")
