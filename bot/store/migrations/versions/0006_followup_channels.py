"""Per-channel follow-up settings: threads on or off, who may press (version 6).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("followup_channels"):
        return
    op.create_table(
        "followup_channels",
        sa.Column("channel_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("guild_id", sa.BigInteger, nullable=False, index=True),
        sa.Column("threads", sa.Boolean, nullable=False),
        sa.Column("press_role_id", sa.BigInteger),
    )


def downgrade() -> None:
    op.drop_table("followup_channels")
