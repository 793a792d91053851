"""Schema migrations with Alembic, on SQLite and PostgreSQL alike, run by the bot itself.

Every schema change is a revision in ``versions/`` (``alembic revision`` with this folder as
its script location writes the skeleton); ``bot/store/schema.py`` describes the tables the
code queries, and a test checks that the two agree.

``upgrade`` runs at every start, in the caller's transaction: on PostgreSQL under an
advisory lock, so that processes starting together migrate one after the other (the others
then find nothing to do). A database made by the hand-written runner that came before
(``meta.schema_version`` 1 to 6) is stamped with the revision of its version, then
upgraded in place. A database whose revision this code does not know was written by a
newer scout-bot: it is refused, never touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncConnection

HERE = Path(__file__).resolve().parent
# The hand-written runner's versions and the revision that has each one's schema.
LEGACY_VERSIONS = {1: "0001", 2: "0002", 3: "0003", 4: "0004", 5: "0005", 6: "0006"}
# Written into meta.schema_version once Alembic owns the schema: scout-bot from before
# Alembic reads it as "newer than I understand" and refuses the database instead of
# running on a schema it does not know.
LEGACY_REFUSAL_VERSION = "1000"
MIGRATION_LOCK = "scoutbot:migrations"


class SchemaTooNew(RuntimeError):
    """The database was written by a newer scout-bot; refuse rather than damage it."""


class NotOurDatabase(RuntimeError):
    """The database has tables but no scout-bot schema (neither an Alembic revision nor the
    hand-written runner's version): another application's. Refused before anything is
    written to it."""


@dataclass(frozen=True)
class Migrated:
    before: str | None  # the revision found (None: a new database)
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def config() -> Config:
    settings = Config()
    settings.set_main_option("script_location", str(HERE))
    return settings


def head() -> str:
    revision = ScriptDirectory.from_config(config()).get_current_head()
    assert revision is not None
    return revision


async def upgrade(conn: AsyncConnection) -> Migrated:
    """Bring the schema to the newest revision, in ``conn``'s transaction."""
    if conn.dialect.name == "postgresql":
        # Held to the end of the transaction. Scoped to the schema the bot uses, so that
        # bots (or test runs) in other schemas of the same database do not wait.
        await conn.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key || coalesce(current_schema(), '')))"),
            {"key": MIGRATION_LOCK},
        )
    return await conn.run_sync(_upgrade)


async def current(conn: AsyncConnection) -> str | None:
    """The revision the database is at (None: not created yet, or made before Alembic and
    not started since)."""
    return await conn.run_sync(_current)


def _current(sync: Connection) -> str | None:
    return MigrationContext.configure(sync).get_current_revision()


def _upgrade(sync: Connection) -> Migrated:
    settings = config()
    settings.attributes["connection"] = sync
    before = _current(sync)
    if before is None:
        _refuse_if_not_ours(sync)
        legacy = _legacy_version(sync)
        if legacy is not None:
            command.stamp(settings, LEGACY_VERSIONS[legacy])
            before = LEGACY_VERSIONS[legacy]
    else:
        _refuse_unknown(before)
    try:
        command.upgrade(settings, "head")
    except CommandError as exc:  # pragma: no cover - a broken revision chain is our bug
        raise RuntimeError(f"migrating the database failed: {exc}") from exc
    sync.execute(text("DELETE FROM meta WHERE key = 'schema_version'"))
    sync.execute(
        text("INSERT INTO meta (key, value) VALUES ('schema_version', :value)"),
        {"value": LEGACY_REFUSAL_VERSION},
    )
    return Migrated(before=before, after=head())


def _refuse_if_not_ours(sync: Connection) -> None:
    tables = set(inspect(sync).get_table_names())
    if not tables - {"meta"}:
        return  # empty (a first start), or a meta table alone
    if "meta" in tables and _legacy_version(sync) is not None:
        return
    shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
    raise NotOurDatabase(
        f"it has tables ({shown}) but no scout-bot schema version, so it belongs to "
        "another application (or a first start was cut short); it was left untouched: "
        "point database.url at a new file or an empty database"
    )


def _legacy_version(sync: Connection) -> int | None:
    """The hand-written runner's schema version, or None for a database it never made."""
    if not inspect(sync).has_table("meta"):
        return None
    found = sync.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
    if found is None:
        return None
    version = int(found)
    if version not in LEGACY_VERSIONS:
        raise SchemaTooNew(
            f"the database has schema version {version}, which this scout-bot does not know; "
            "run the scout-bot that wrote it, or a newer one"
        )
    return version


def _refuse_unknown(revision: str) -> None:
    try:
        ScriptDirectory.from_config(config()).get_revision(revision)
    except CommandError:
        raise SchemaTooNew(
            f"the database is at schema revision {revision}, newer than this scout-bot "
            f"knows (its newest is {head()}); run a newer version or another database"
        ) from None
