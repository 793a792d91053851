"""When a thread closed to the bot (403) is tried again (version 9).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("followup_messages")}
    if "thread_retry_at" in columns:
        return
    with op.batch_alter_table("followup_messages") as batch:
        batch.add_column(sa.Column("thread_retry_at", sa.DateTime))


def downgrade() -> None:
    with op.batch_alter_table("followup_messages") as batch:
        batch.drop_column("thread_retry_at")
