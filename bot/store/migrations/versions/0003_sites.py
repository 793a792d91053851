"""Observing sites per server and members' own default sites (version 3).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _missing(name: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(name)


def upgrade() -> None:
    if _missing("sites"):
        op.create_table(
            "sites",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("guild_id", sa.BigInteger, nullable=False, index=True),
            sa.Column("code", sa.String(3), nullable=False),
            sa.Column("name", sa.String(100), nullable=False),
            sa.Column("longitude", sa.Float, nullable=False),
            sa.Column("rho_cos_phi", sa.Float, nullable=False),
            sa.Column("rho_sin_phi", sa.Float, nullable=False),
            sa.Column("min_altitude", sa.Float, nullable=False),
            sa.Column("limiting_vmag", sa.Float),
            sa.Column("fov_arcmin", sa.Float),
            sa.Column("twilight", sa.String(16), nullable=False),
            sa.Column("is_default", sa.Boolean, nullable=False),
            sa.Column("added_by", sa.BigInteger, nullable=False),
            sa.Column("added_at", sa.DateTime, nullable=False),
            sa.UniqueConstraint("guild_id", "code"),
        )
    if _missing("member_sites"):
        op.create_table(
            "member_sites",
            sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
            sa.Column("member_id", sa.BigInteger, primary_key=True, autoincrement=False),
            sa.Column("code", sa.String(3), nullable=False),
        )


def downgrade() -> None:
    for table in ("member_sites", "sites"):
        op.drop_table(table)
