"""The ``followup_channels`` table: how each alert channel does follow-up, as chosen at
``/alerts subscribe``: a thread per object or flat posts, and who may press the status
buttons (a role, or everyone who can see the channel).

Functions take a connection so that the ``Store`` face decides what one transaction holds.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from sqlalchemy import BigInteger, Boolean, Column, Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.schema import metadata

followup_channels = Table(
    "followup_channels",
    metadata,
    Column("channel_id", BigInteger, primary_key=True, autoincrement=False),
    Column("guild_id", BigInteger, nullable=False, index=True),
    Column("threads", Boolean, nullable=False),
    Column("press_role_id", BigInteger),
)

TABLES = (followup_channels,)


class ChannelFollowup(BaseModel):
    """A channel's follow-up settings; a channel never set up has the defaults."""

    model_config = ConfigDict(frozen=True)

    channel_id: int
    threads: bool = True
    press_role_id: int | None = None


async def save(
    conn: AsyncConnection,
    *,
    guild_id: int,
    channel_id: int,
    threads: bool,
    press_role_id: int | None,
) -> None:
    values = {"guild_id": guild_id, "threads": threads, "press_role_id": press_role_id}
    found = (
        await conn.execute(
            select(followup_channels.c.channel_id).where(
                followup_channels.c.channel_id == channel_id
            )
        )
    ).first()
    if found is None:
        await conn.execute(insert(followup_channels).values(channel_id=channel_id, **values))
    else:
        await conn.execute(
            update(followup_channels)
            .where(followup_channels.c.channel_id == channel_id)
            .values(**values)
        )


async def of_channel(conn: AsyncConnection, channel_id: int) -> ChannelFollowup:
    row = (
        await conn.execute(
            select(followup_channels).where(followup_channels.c.channel_id == channel_id)
        )
    ).first()
    if row is None:
        return ChannelFollowup(channel_id=channel_id)
    return ChannelFollowup(
        channel_id=channel_id, threads=bool(row.threads), press_role_id=row.press_role_id
    )
