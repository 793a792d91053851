"""One follow-up card per object and channel, claimed across instances (version 8).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("followup_cards"):
        return
    op.create_table(
        "followup_cards",
        sa.Column("channel_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("designation", sa.String(32), primary_key=True),
        sa.Column("first_seen", sa.DateTime, primary_key=True),
        sa.Column("guild_id", sa.BigInteger, nullable=False, index=True),
        sa.Column("claimed_at", sa.DateTime, nullable=False),
        sa.Column("message_id", sa.BigInteger),
    )


def downgrade() -> None:
    op.drop_table("followup_cards")
