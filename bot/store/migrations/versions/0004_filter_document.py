"""A subscription's filter as one JSON document (the hand-written runner's version 4).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

Version 3 kept each threshold in a column of its own; a new filter field now needs no
migration, only a default in the model. SQLite drops the old columns natively (3.35+), not
through a batch copy of the table, which would cascade-delete the outbox rows that refer to
subscriptions; and it cannot add NOT NULL to an existing column, so only PostgreSQL gets it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.neocp.filters import AlertFilter

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_V1_FILTER_COLUMNS = ("min_neo_score", "min_pha_score", "max_vmag", "min_rating", "events")


def upgrade() -> None:
    bind = op.get_bind()
    columns = {column["name"] for column in sa.inspect(bind).get_columns("subscriptions")}
    if "filter" in columns:
        return
    op.execute("ALTER TABLE subscriptions ADD COLUMN filter TEXT")
    rows = bind.execute(
        sa.text(f"SELECT id, {', '.join(_V1_FILTER_COLUMNS)} FROM subscriptions")
    ).mappings()
    for row in list(rows):
        document = AlertFilter.model_validate(
            {name: row[name] for name in _V1_FILTER_COLUMNS}
        ).to_document()
        bind.execute(
            sa.text("UPDATE subscriptions SET filter = :filter WHERE id = :id"),
            {"filter": document, "id": row["id"]},
        )
    for name in _V1_FILTER_COLUMNS:
        op.execute(f"ALTER TABLE subscriptions DROP COLUMN {name}")
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE subscriptions ALTER COLUMN filter SET NOT NULL")


def downgrade() -> None:
    raise NotImplementedError("filters cannot go back to columns: restore a backup")
