"""Observing sites: each server's telescopes, its default one, and members' own defaults.

Functions take a connection so that the ``Store`` face decides what one transaction holds.
Every query names its server: one server's sites are never read for another. A site
keeps the MPC's coordinates it was added with, so it works whatever later lists say.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Integer,
    Row,
    String,
    Table,
    UniqueConstraint,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.sky import Site, Twilight
from bot.store.schema import UtcDateTime, metadata

sites = Table(
    "sites",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("guild_id", BigInteger, nullable=False, index=True),
    Column("code", String(3), nullable=False),
    Column("name", String(100), nullable=False),
    Column("longitude", Float, nullable=False),
    Column("rho_cos_phi", Float, nullable=False),
    Column("rho_sin_phi", Float, nullable=False),
    Column("min_altitude", Float, nullable=False),
    Column("limiting_vmag", Float),
    Column("fov_arcmin", Float),
    Column("twilight", String(16), nullable=False),
    Column("is_default", Boolean, nullable=False, default=False),
    Column("added_by", BigInteger, nullable=False),
    Column("added_at", UtcDateTime, nullable=False),
    UniqueConstraint("guild_id", "code"),
)

# A member's own default site (the follow-up buttons record "Alice (G96)"); without one
# the server's default applies.
member_sites = Table(
    "member_sites",
    metadata,
    Column("guild_id", BigInteger, primary_key=True, autoincrement=False),
    Column("member_id", BigInteger, primary_key=True, autoincrement=False),
    Column("code", String(3), nullable=False),
)

TABLES = (sites, member_sites)


class StoredSite(BaseModel):
    """A server's site as stored: the site itself, whether it is the default, who added it."""

    model_config = ConfigDict(frozen=True)

    guild_id: int
    site: Site
    is_default: bool
    added_by: int
    added_at: datetime


async def save(
    conn: AsyncConnection, guild_id: int, site: Site, *, make_default: bool, by: int, at: datetime
) -> tuple[StoredSite, bool]:
    """Add the site, or replace the settings of the server's site with that code.

    The server's first site becomes its default. Returns the site and whether one with
    that code existed already.
    """
    values = {
        "name": site.name,
        "longitude": site.longitude,
        "rho_cos_phi": site.rho_cos_phi,
        "rho_sin_phi": site.rho_sin_phi,
        "min_altitude": site.min_altitude,
        "limiting_vmag": site.limiting_vmag,
        "fov_arcmin": site.fov_arcmin,
        "twilight": site.twilight.value,
    }
    existing = await _row(conn, guild_id, site.code)
    if existing is None:
        first = await _count(conn, guild_id) == 0
        await conn.execute(
            insert(sites).values(
                guild_id=guild_id,
                code=site.code,
                is_default=False,
                added_by=by,
                added_at=at,
                **values,
            )
        )
        make_default = make_default or first
    else:
        await conn.execute(update(sites).where(sites.c.id == existing.id).values(**values))
    if make_default:
        await set_default(conn, guild_id, site.code)
    row = await _row(conn, guild_id, site.code)
    assert row is not None
    return _from_row(row), existing is not None


async def remove(
    conn: AsyncConnection, guild_id: int, code: str
) -> tuple[StoredSite | None, StoredSite | None]:
    """Delete the server's site. Returns it (None if there was none) and, when it was the
    default, the site that is default now (the earliest added), if any is left."""
    row = await _row(conn, guild_id, code)
    if row is None:
        return None, None
    removed = _from_row(row)
    await conn.execute(delete(sites).where(sites.c.id == row.id))
    await conn.execute(
        delete(member_sites).where(member_sites.c.guild_id == guild_id, member_sites.c.code == code)
    )
    successor = None
    if removed.is_default:
        earliest = (
            await conn.execute(
                select(sites.c.code)
                .where(sites.c.guild_id == guild_id)
                .order_by(sites.c.added_at, sites.c.id)
                .limit(1)
            )
        ).scalar_one_or_none()
        if earliest is not None:
            successor = await set_default(conn, guild_id, earliest)
    return removed, successor


async def set_default(conn: AsyncConnection, guild_id: int, code: str) -> StoredSite | None:
    """Make the server's site with this code its default; None if it has no such site."""
    if await _row(conn, guild_id, code) is None:
        return None
    await conn.execute(
        update(sites).where(sites.c.guild_id == guild_id).values(is_default=sites.c.code == code)
    )
    row = await _row(conn, guild_id, code)
    return None if row is None else _from_row(row)


async def of_guild(conn: AsyncConnection, guild_id: int) -> list[StoredSite]:
    """The server's sites, the default first, then by code."""
    rows = (
        await conn.execute(
            select(sites)
            .where(sites.c.guild_id == guild_id)
            .order_by(sites.c.is_default.desc(), sites.c.code)
        )
    ).all()
    return [_from_row(row) for row in rows]


async def one(conn: AsyncConnection, guild_id: int, code: str) -> StoredSite | None:
    row = await _row(conn, guild_id, code)
    return None if row is None else _from_row(row)


async def default(conn: AsyncConnection, guild_id: int) -> StoredSite | None:
    row = (
        await conn.execute(
            select(sites).where(sites.c.guild_id == guild_id, sites.c.is_default.is_(True))
        )
    ).first()
    return None if row is None else _from_row(row)


async def count(conn: AsyncConnection, guild_id: int) -> int:
    return await _count(conn, guild_id)


async def set_member_site(
    conn: AsyncConnection, guild_id: int, member_id: int, code: str | None
) -> StoredSite | None:
    """Set (or with None, clear) a member's own default; None if the server has no such site."""
    await conn.execute(
        delete(member_sites).where(
            member_sites.c.guild_id == guild_id, member_sites.c.member_id == member_id
        )
    )
    if code is None:
        return None
    site = await one(conn, guild_id, code)
    if site is not None:
        await conn.execute(
            insert(member_sites).values(guild_id=guild_id, member_id=member_id, code=code)
        )
    return site


async def member_own(conn: AsyncConnection, guild_id: int, member_id: int) -> StoredSite | None:
    """The site the member chose as their own default, if any (and the server still has it)."""
    code = (
        await conn.execute(
            select(member_sites.c.code).where(
                member_sites.c.guild_id == guild_id, member_sites.c.member_id == member_id
            )
        )
    ).scalar_one_or_none()
    return None if code is None else await one(conn, guild_id, code)


async def for_member(conn: AsyncConnection, guild_id: int, member_id: int) -> StoredSite | None:
    """The member's own default site, else the server's default, else None."""
    return await member_own(conn, guild_id, member_id) or await default(conn, guild_id)


async def _row(conn: AsyncConnection, guild_id: int, code: str) -> Row[tuple[object, ...]] | None:
    return (
        await conn.execute(select(sites).where(sites.c.guild_id == guild_id, sites.c.code == code))
    ).first()


async def _count(conn: AsyncConnection, guild_id: int) -> int:
    rows = (await conn.execute(select(sites.c.id).where(sites.c.guild_id == guild_id))).all()
    return len(rows)


def _from_row(row: Row[tuple[object, ...]]) -> StoredSite:
    mapping = row._mapping
    return StoredSite(
        guild_id=mapping["guild_id"],
        site=Site(
            code=mapping["code"],
            name=mapping["name"],
            longitude=mapping["longitude"],
            rho_cos_phi=mapping["rho_cos_phi"],
            rho_sin_phi=mapping["rho_sin_phi"],
            min_altitude=mapping["min_altitude"],
            limiting_vmag=mapping["limiting_vmag"],
            fov_arcmin=mapping["fov_arcmin"],
            twilight=Twilight(mapping["twilight"]),
        ),
        is_default=bool(mapping["is_default"]),
        added_by=mapping["added_by"],
        added_at=mapping["added_at"],
    )
