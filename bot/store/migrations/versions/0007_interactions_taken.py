"""Which instance answers an interaction, when several share a PostgreSQL database
(version 7).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("interactions_taken"):
        return
    op.create_table(
        "interactions_taken",
        sa.Column("interaction_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("taken_at", sa.DateTime, nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("interactions_taken")
