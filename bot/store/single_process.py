"""One process per SQLite file: a second scout-bot on the same file is refused at start.

Two bots on one SQLite file would both poll and both post every alert (SQLite has no lock a
process can hold while it lives, as PostgreSQL's advisory locks are). So the bot holds a
lock on ``<file>.lock`` beside the database while it runs; the operating system lets go of
it when the process ends, however it ends, so a crash never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class AlreadyInUse(RuntimeError):
    """Another process holds the database file; the message says what to do."""


class FileLock:
    def __init__(self, handle: IO[str], path: Path) -> None:
        self._handle: IO[str] | None = handle
        self._path = path

    def release(self, *, remove: bool = False) -> None:
        """Let go (closing does); ``remove`` also deletes the lock file, for a database
        that was refused and must be left as it was found."""
        if self._handle is None:
            return
        if remove:
            self._path.unlink(missing_ok=True)  # while still held: no one else has it
        self._handle.close()
        self._handle = None


def lock_database_file(database: Path) -> FileLock:
    lock_path = database.with_name(database.name + ".lock")
    handle = lock_path.open("a+", encoding="utf-8")
    try:
        # A POSIX record lock: held by the process, gone when it ends.
        fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise AlreadyInUse(
            f"{database} is in use by another scout-bot ({holder}): SQLite serves one "
            "process. Stop that one first, or use PostgreSQL to run two instances."
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}")
    handle.flush()
    return FileLock(handle, lock_path)
