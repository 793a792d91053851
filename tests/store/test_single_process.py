"""One process per SQLite file: a second bot on the same file is refused with one clear line,
and a crashed first one leaves no lock behind."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import pytest

from bot.store import Store, StoreError
from tests.conftest import REPO

HOLD_THE_STORE = """
import asyncio, sys
from bot.store import Store

async def main():
    store = await Store.open(sys.argv[1])
    print("open", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await store.close()

asyncio.run(main())
"""


async def first_bot(url: str) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        HOLD_THE_STORE,
        url,
        cwd=REPO,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    assert await asyncio.wait_for(process.stdout.readline(), 30) == b"open\n"
    return process


async def test_a_second_process_on_the_same_file_is_refused_until_the_first_dies(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/bot.db"
    holder = await first_bot(url)
    try:
        with pytest.raises(StoreError) as refused:
            await Store.open(url)
        message = str(refused.value)
        assert f"{tmp_path}/bot.db is in use by another scout-bot (pid {holder.pid})" in message
        assert "use PostgreSQL to run two instances" in message
    finally:
        holder.send_signal(signal.SIGKILL)  # a crash: no clean-up at all
        await holder.wait()
    store = await Store.open(url)  # the lock died with the process
    await store.close()


async def test_a_stopped_bot_lets_the_next_one_open_the_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/bot.db"
    holder = await first_bot(url)
    assert holder.stdin is not None
    holder.stdin.close()
    await holder.wait()
    store = await Store.open(url)
    await store.close()
