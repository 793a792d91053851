"""Removing everything the bot keeps for one server: `/alerts forget`, and a server the bot
left more than a grace period ago. Statuses belong to the server that made them; once it
asks, none of them, and none of its settings, stay behind.

Functions take a connection so that the ``Store`` face runs them in one transaction.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Table, delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.alert_messages import followup_messages
from bot.store.cards import followup_cards
from bot.store.followup_channels import followup_channels
from bot.store.schema import messages, subscriptions
from bot.store.sites import member_sites, sites
from bot.store.statuses import followup_statuses, guild_departures


class GuildDataRemoved(BaseModel):
    """How many of each thing were removed for the server."""

    model_config = ConfigDict(frozen=True)

    statuses: int = 0
    alert_messages: int = 0  # the alert messages with status buttons, and their threads
    threads: int = 0  # of those, how many had a thread (the threads stay in Discord)
    channel_settings: int = 0
    sites: int = 0
    member_sites: int = 0
    subscriptions: int = 0
    delivery_records: int = 0  # the outbox's rows for its channels, sent or still owed

    @property
    def nothing(self) -> bool:
        return not any(self.model_dump().values())


async def forget_guild(conn: AsyncConnection, guild_id: int) -> GuildDataRemoved:
    """Delete every row the server owns, in every table that names it."""
    owned = select(subscriptions.c.id).where(subscriptions.c.guild_id == guild_id)
    threads = (
        await conn.execute(
            select(followup_messages.c.message_id).where(
                followup_messages.c.guild_id == guild_id,
                followup_messages.c.thread_id.is_not(None),
            )
        )
    ).all()
    queued = await conn.execute(delete(messages).where(messages.c.subscription_id.in_(owned)))
    removed = GuildDataRemoved(
        statuses=await _delete(conn, followup_statuses, guild_id),
        alert_messages=await _delete(conn, followup_messages, guild_id),
        threads=len(threads),
        channel_settings=await _delete(conn, followup_channels, guild_id),
        member_sites=await _delete(conn, member_sites, guild_id),
        sites=await _delete(conn, sites, guild_id),
        subscriptions=await _delete(conn, subscriptions, guild_id),
        delivery_records=int(queued.rowcount or 0),
    )
    await _delete(conn, followup_cards, guild_id)  # counted with its alert message
    await _delete(conn, guild_departures, guild_id)
    return removed


async def _delete(conn: AsyncConnection, table: Table, guild_id: int) -> int:
    result = await conn.execute(delete(table).where(table.c.guild_id == guild_id))
    return int(result.rowcount or 0)
