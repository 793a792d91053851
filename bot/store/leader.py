"""Which instance polls and posts: the leader, holding a PostgreSQL advisory lock.

Any number of scout-bot processes may share one PostgreSQL database (a rolling deploy, a
standby for failover); all answer commands, but only the one holding the lock polls Scout
and posts alerts, so every alert is posted once. The lock belongs to a database session:
when the leader dies its connection closes, PostgreSQL lets go of the lock, and the next
instance to ask (each asks once a poll cycle) takes over. On SQLite there is one process
per file (``single_process``), which is always the leader.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

LEADER_KEY = "scoutbot:leader"
# Scoped to the schema the bot uses, like the migration lock: bots (or test runs) in other
# schemas of the same database are other bots.
_LOCK_ID = "hashtext(:key || coalesce(current_schema(), ''))"
# pg_locks shows a one-key advisory lock as its 64-bit key split in two (classid, objid).
_HOLDING = text(
    f"""
    WITH lock AS (SELECT ({_LOCK_ID})::bigint AS key)
    SELECT EXISTS (
        SELECT 1 FROM pg_locks, lock
        WHERE pg_locks.locktype = 'advisory' AND pg_locks.granted
          AND pg_locks.pid = pg_backend_pid() AND pg_locks.objsubid = 1
          AND pg_locks.classid::bigint = (lock.key >> 32) & 4294967295
          AND pg_locks.objid::bigint = lock.key & 4294967295
    )
    """
)


class Leadership:
    """``hold()`` once a cycle: True while this process is the one that polls and posts."""

    async def hold(self) -> bool:
        return True

    async def still_held(self) -> bool:
        """Is the lock still this process's (asks nothing new)? Posters check it before each
        round, so that a leader that lost it stops before the next one leads beside it."""
        return True

    async def release(self) -> None:
        return None


class AdvisoryLeadership(Leadership):
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._session: AsyncConnection | None = None  # the connection holding the lock

    async def hold(self) -> bool:
        if self._session is not None:
            if await self.still_held():
                return True
            await self._forget_session()
        return await self._try_to_lead()

    async def still_held(self) -> bool:
        session = self._session
        if session is None:
            return False
        try:
            # Not just "is the connection alive": the lock itself, in pg_locks (a session
            # may survive what ends its locks: a pooler handing it to another client, an
            # operator's pg_advisory_unlock_all).
            held = (await session.execute(_HOLDING, {"key": LEADER_KEY})).scalar_one()
            await session.commit()
        except (SQLAlchemyError, OSError) as exc:
            log.warning("lost the database session holding the leader lock: %s", exc)
            return False
        if not held:
            log.warning("the leader lock is no longer this instance's")
        return bool(held)

    async def release(self) -> None:
        if self._session is None:
            return
        try:
            await self._session.execute(
                text(f"SELECT pg_advisory_unlock({_LOCK_ID})"), {"key": LEADER_KEY}
            )
            await self._session.commit()
        except (SQLAlchemyError, OSError):
            pass  # closing the session lets go of the lock anyway
        await self._forget_session()

    async def _try_to_lead(self) -> bool:
        try:
            session = await self._engine.connect()
        except (SQLAlchemyError, OSError) as exc:
            log.warning("cannot ask for the leader lock: %s", exc)
            return False
        try:
            got = (
                await session.execute(
                    text(f"SELECT pg_try_advisory_lock({_LOCK_ID})"), {"key": LEADER_KEY}
                )
            ).scalar_one()
            await session.commit()  # the lock is the session's; no transaction stays open
        except (SQLAlchemyError, OSError) as exc:
            log.warning("cannot ask for the leader lock: %s", exc)
            await _close_quietly(session)
            return False
        if not got:
            await _close_quietly(session)
            return False
        log.info("this instance now polls Scout and posts alerts (it holds the leader lock)")
        self._session = session
        return True

    async def _forget_session(self) -> None:
        if self._session is not None:
            await _close_quietly(self._session)
            self._session = None


async def _close_quietly(session: AsyncConnection) -> None:
    try:
        await session.close()
    except (SQLAlchemyError, OSError):
        # A dead connection may not close cleanly; invalidate it so the pool drops it.
        await session.invalidate()


def leadership_for(engine: AsyncEngine) -> Leadership:
    if engine.dialect.name == "postgresql":
        return AdvisoryLeadership(engine)
    return Leadership()
