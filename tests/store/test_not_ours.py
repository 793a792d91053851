"""Data that is not ours: another application's database is refused untouched, a corrupt
one is reported on one line."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from bot.store import Store, StoreError


def other_applications_database(path: Path) -> Path:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO users (name) VALUES ('ada')")
    return path


def fingerprint(path: Path) -> tuple[str, float]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime


async def test_another_applications_database_is_refused_and_left_untouched(
    tmp_path: Path,
) -> None:
    path = other_applications_database(tmp_path / "theirs.db")
    before = fingerprint(path)

    with pytest.raises(StoreError) as caught:
        await Store.open(f"sqlite:///{path}")

    message = str(caught.value)
    assert "no scout-bot schema version" in message and "users" in message
    assert "\n" not in message
    assert fingerprint(path) == before
    assert files_in(tmp_path) == ["theirs.db"]  # no -wal, no -shm
    with sqlite3.connect(path) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master")]
    assert tables == ["users"]


async def test_our_own_database_opens_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ours.db'}"
    await (await Store.open(url)).close()
    await (await Store.open(url)).close()


async def test_a_corrupt_database_is_one_line_without_sqlalchemys_link(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is not an SQLite database at all " * 200)

    with pytest.raises(StoreError) as caught:
        await Store.open(f"sqlite:///{path}")

    message = str(caught.value)
    assert "\n" not in message
    assert "sqlalche.me" not in message and "Background on this error" not in message
    assert "file is not a database" in message and str(path) in message


def files_in(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())
