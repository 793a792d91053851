"""Started on another application's SQLite file, the bot refuses it: one clear line, a
non-zero exit, and the file exactly as it was."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.fake_upstreams import FakeMpc, FakeScout
from tests.e2e.harness import bot_environment

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


async def test_another_applications_database_is_refused_untouched(
    fake_discord: FakeDiscord, fake_scout: FakeScout, fake_mpc: FakeMpc, tmp_path: Path
) -> None:
    database = tmp_path / "inventory.db"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO items (name) VALUES ('telescope')")
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    env = bot_environment(fake_discord, fake_scout.url, fake_mpc.url, database, {})

    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.e2e.launch",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 30)
    log = output.decode(errors="replace")

    assert process.returncode not in (0, None), log
    errors = [line for line in log.splitlines() if " ERROR " in line or "Traceback" in line]
    assert len(errors) == 1, log
    assert "no scout-bot schema version" in errors[0] and str(database) in errors[0]
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before
    assert files_in(tmp_path) == ["inventory.db"]


def files_in(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())
