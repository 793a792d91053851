"""The ``followup_cards`` table: one card per object and channel, across instances.

The card of an object first listed in a digest is posted at the first status press, and
presses are answered by whichever instance takes them: two members pressing at the same
instant on two instances would each post one. So the right to post is claimed here first
(one row per channel and object; the insert that loses finds the row), and the card's
message id completes the claim. A claim left incomplete by a crash is taken over only by
a compare-and-set on its time, so two instances never both take it over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, Column, ColumnElement, String, Table, and_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.followup import ObjectKey
from bot.store.engine import Database
from bot.store.schema import UtcDateTime, metadata

followup_cards = Table(
    "followup_cards",
    metadata,
    Column("channel_id", BigInteger, primary_key=True, autoincrement=False),
    Column("designation", String(32), primary_key=True),
    Column("first_seen", UtcDateTime, primary_key=True),
    Column("guild_id", BigInteger, nullable=False, index=True),
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("message_id", BigInteger),
)


@dataclass(frozen=True)
class CardClaim:
    """``won``: post the card now. Otherwise the card's ``message_id`` once posted, and
    when the claim was made (to tell a slow poster from a crashed one)."""

    won: bool
    claimed_at: datetime
    message_id: int | None = None


def _where(channel_id: int, key: ObjectKey) -> ColumnElement[bool]:
    return and_(
        followup_cards.c.channel_id == channel_id,
        followup_cards.c.designation == key.designation,
        followup_cards.c.first_seen == key.first_seen,
    )


async def claim(
    conn: AsyncConnection, guild_id: int, channel_id: int, key: ObjectKey, *, at: datetime
) -> CardClaim:
    """Claim the card's posting; the first claim wins, later ones read it."""
    values = {
        "channel_id": channel_id,
        "designation": key.designation,
        "first_seen": key.first_seen,
        "guild_id": guild_id,
        "claimed_at": at,
    }
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    inserted = await conn.execute(
        dialect.insert(followup_cards)
        .values(**values)
        .on_conflict_do_nothing()
        .returning(followup_cards.c.claimed_at)
    )
    if inserted.first() is not None:
        return CardClaim(won=True, claimed_at=at)
    row = (
        await conn.execute(
            select(followup_cards.c.claimed_at, followup_cards.c.message_id).where(
                _where(channel_id, key)
            )
        )
    ).one()
    return CardClaim(won=False, claimed_at=row.claimed_at, message_id=row.message_id)


async def take_over(
    conn: AsyncConnection, channel_id: int, key: ObjectKey, seen: datetime, *, at: datetime
) -> bool:
    """Take over a claim still incomplete since ``seen``; False if another did first."""
    result = await conn.execute(
        update(followup_cards)
        .where(
            _where(channel_id, key),
            followup_cards.c.claimed_at == seen,
            followup_cards.c.message_id.is_(None),
        )
        .values(claimed_at=at)
    )
    return bool(result.rowcount)


async def complete(conn: AsyncConnection, channel_id: int, key: ObjectKey, message_id: int) -> None:
    await conn.execute(
        update(followup_cards).where(_where(channel_id, key)).values(message_id=message_id)
    )


async def release(conn: AsyncConnection, channel_id: int, key: ObjectKey) -> None:
    """Discord refused the card: a later press may try again."""
    await conn.execute(
        followup_cards.delete().where(
            _where(channel_id, key), followup_cards.c.message_id.is_(None)
        )
    )


class CardMethods:
    """The ``Store`` face's card claims: each is one transaction."""

    _db: Database

    async def claim_card(
        self, guild_id: int, channel_id: int, key: ObjectKey, *, at: datetime
    ) -> CardClaim:
        async with self._db.writing() as conn:
            return await claim(conn, guild_id, channel_id, key, at=at)

    async def take_over_card(
        self, channel_id: int, key: ObjectKey, seen: datetime, *, at: datetime
    ) -> bool:
        async with self._db.writing() as conn:
            return await take_over(conn, channel_id, key, seen, at=at)

    async def card_posted(self, channel_id: int, key: ObjectKey, message_id: int) -> None:
        async with self._db.writing() as conn:
            await complete(conn, channel_id, key, message_id)

    async def release_card(self, channel_id: int, key: ObjectKey) -> None:
        async with self._db.writing() as conn:
            await release(conn, channel_id, key)
