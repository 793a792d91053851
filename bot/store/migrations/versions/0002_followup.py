"""Follow-up statuses, alert messages with their threads, servers the bot left (version 2).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

The hand-written runner's first step created whatever tables the code of its day knew, so
a database of version 1 or 2 may have some of these already: create only what is missing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _missing(name: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(name)


def upgrade() -> None:
    if _missing("followup_statuses"):
        op.create_table(
            "followup_statuses",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("guild_id", sa.BigInteger, nullable=False),
            sa.Column("designation", sa.String(32), nullable=False),
            sa.Column("first_seen", sa.DateTime, nullable=False),
            sa.Column("member_id", sa.BigInteger, nullable=False),
            sa.Column("member_name", sa.String(100), nullable=False),
            sa.Column("site_code", sa.String(8)),
            sa.Column("status", sa.String(16), nullable=False),
            sa.Column("at", sa.DateTime, nullable=False),
            sa.Index("ix_followup_statuses_object", "guild_id", "designation", "first_seen"),
            sa.Index("ix_followup_statuses_member", "guild_id", "member_id"),
        )
    if _missing("followup_messages"):
        op.create_table(
            "followup_messages",
            sa.Column("message_id", sa.BigInteger, primary_key=True, autoincrement=False),
            sa.Column("guild_id", sa.BigInteger, nullable=False),
            sa.Column("channel_id", sa.BigInteger, nullable=False),
            sa.Column("designation", sa.String(32), nullable=False),
            sa.Column("first_seen", sa.DateTime, nullable=False),
            sa.Column("thread_state", sa.String(16), nullable=False),
            sa.Column("thread_id", sa.BigInteger),
            sa.Column("at_risk_noted_at", sa.DateTime),
            sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Index("ix_followup_messages_object", "guild_id", "designation", "first_seen"),
        )
    if _missing("guild_departures"):
        op.create_table(
            "guild_departures",
            sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
            sa.Column("left_at", sa.DateTime, nullable=False),
        )


def downgrade() -> None:
    for table in ("guild_departures", "followup_messages", "followup_statuses"):
        op.drop_table(table)
