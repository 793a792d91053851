"""The ``interactions_taken`` table: which instance answers a Discord interaction.

Discord sends every interaction to every gateway session of the bot, so two instances on
one database (a rolling deploy, a standby) both receive each command and button press.
Whichever writes its id here first answers; the other leaves it alone (it would only get
"Interaction has already been acknowledged", after doing the work, such as asking the MPC,
a second time). An interaction can be answered for 15 minutes, so ids are kept an hour.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import BigInteger, Column, Table, delete
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.schema import UtcDateTime, metadata

KEEP = timedelta(hours=1)

interactions_taken = Table(
    "interactions_taken",
    metadata,
    Column("interaction_id", BigInteger, primary_key=True, autoincrement=False),
    Column("taken_at", UtcDateTime, nullable=False, index=True),
)


async def take(conn: AsyncConnection, interaction_id: int, *, at: datetime) -> bool:
    """True for the first instance to take the interaction (PostgreSQL), False after."""
    taken = await conn.execute(
        postgresql.insert(interactions_taken)
        .values(interaction_id=interaction_id, taken_at=at)
        .on_conflict_do_nothing(index_elements=[interactions_taken.c.interaction_id])
        .returning(interactions_taken.c.interaction_id)
    )
    first = taken.first() is not None
    await conn.execute(delete(interactions_taken).where(interactions_taken.c.taken_at < at - KEEP))
    return first
