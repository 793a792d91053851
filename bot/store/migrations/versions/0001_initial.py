"""The first schema (the hand-written runner's version 1): subscriptions, snapshot, outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-28

Tables are written out here, not taken from bot/store/schema.py: a revision is what the
schema was then, whatever the code says now.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("guild_id", sa.BigInteger, nullable=False, index=True),
        sa.Column("channel_id", sa.BigInteger, nullable=False, unique=True),
        sa.Column("min_neo_score", sa.Integer),
        sa.Column("min_pha_score", sa.Integer),
        sa.Column("max_vmag", sa.Float),
        sa.Column("min_rating", sa.Integer),
        sa.Column("events", sa.String(16), nullable=False),
        sa.Column("mention_role_id", sa.BigInteger),
        sa.Column("created_by", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("last_failure", sa.Text),
        sa.Column("last_failure_at", sa.DateTime),
        sa.Column("last_delivery_at", sa.DateTime),
    )
    op.create_table(
        "snapshot_objects",
        sa.Column("designation", sa.String(32), primary_key=True),
        sa.Column("first_seen", sa.DateTime, primary_key=True),
        sa.Column("latest", sa.Text, nullable=False),
        sa.Column("baseline", sa.Text, nullable=False),
        sa.Column("missing_polls", sa.Integer, nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("designation", sa.String(32), nullable=False),
        sa.Column("first_seen", sa.DateTime, nullable=False),
        sa.Column("detected_at", sa.DateTime, nullable=False, index=True),
        sa.Column("payload", sa.Text, nullable=False),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "event_id",
            sa.Integer,
            sa.ForeignKey("events.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "subscription_id",
            sa.Integer,
            sa.ForeignKey("subscriptions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("nonce", sa.String(32)),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("message_id", sa.BigInteger),
        sa.Column("reason", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("event_id", "subscription_id"),
        sa.Index("ix_deliveries_state", "state"),
    )


def downgrade() -> None:
    for table in ("deliveries", "events", "snapshot_objects", "subscriptions", "meta"):
        op.drop_table(table)
