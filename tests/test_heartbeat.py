"""The heartbeat the bot writes and `scout-bot health` reads (a container's HEALTHCHECK)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from bot.heartbeat import GATEWAY_GRACE, STALE_AFTER, Heartbeat, read_health
from tests.fakes import FakeClock


def beating(tmp_path: Path, clock: FakeClock) -> Heartbeat:
    heartbeat = Heartbeat(tmp_path / "data" / "heartbeat.json", clock=clock.utc)
    heartbeat.gateway_connected()
    return heartbeat


def test_a_connected_bot_with_running_loops_is_healthy(tmp_path: Path) -> None:
    clock = FakeClock()
    heartbeat = beating(tmp_path, clock)
    heartbeat.watch_loop("NEOCP watcher", lambda now: None)
    heartbeat.write()
    reading = read_health(heartbeat.path, now=clock.utc())
    assert reading.healthy
    assert reading.message == "ok: gateway connected, running NEOCP watcher"


def test_a_heartbeat_not_written_for_a_minute_means_a_stuck_bot(tmp_path: Path) -> None:
    clock = FakeClock()
    heartbeat = beating(tmp_path, clock)
    heartbeat.write()
    assert read_health(heartbeat.path, now=clock.utc() + STALE_AFTER).healthy
    reading = read_health(heartbeat.path, now=clock.utc() + STALE_AFTER + timedelta(seconds=1))
    assert not reading.healthy
    assert reading.message == "heartbeat is 61 s old: the bot is stuck"


def test_a_short_gateway_reconnect_is_healthy_a_long_outage_is_not(tmp_path: Path) -> None:
    clock = FakeClock()
    heartbeat = beating(tmp_path, clock)
    heartbeat.gateway_disconnected()
    clock.advance(seconds=GATEWAY_GRACE.total_seconds())
    heartbeat.write()
    assert read_health(heartbeat.path, now=clock.utc()).healthy
    clock.advance(seconds=30)
    heartbeat.gateway_disconnected()  # again: the outage still counts from its start
    heartbeat.write()
    reading = read_health(heartbeat.path, now=clock.utc())
    assert not reading.healthy
    assert reading.message == "Discord gateway not connected for 120 s"


def test_a_bot_that_never_connected_is_unhealthy_after_the_grace(tmp_path: Path) -> None:
    clock = FakeClock()
    heartbeat = Heartbeat(tmp_path / "heartbeat.json", clock=clock.utc)
    heartbeat.write()
    assert read_health(heartbeat.path, now=clock.utc()).healthy  # still starting
    clock.advance(seconds=GATEWAY_GRACE.total_seconds() + 1)
    heartbeat.write()
    assert not read_health(heartbeat.path, now=clock.utc()).healthy


def test_a_loop_that_reports_a_problem_makes_the_bot_unhealthy(tmp_path: Path) -> None:
    clock = FakeClock()
    heartbeat = beating(tmp_path, clock)
    seen: list[datetime] = []

    def watcher(now: datetime) -> str | None:
        seen.append(now)
        return "no poll for 900 s"

    heartbeat.watch_loop("NEOCP watcher", watcher)
    heartbeat.write()
    reading = read_health(heartbeat.path, now=clock.utc())
    assert (reading.healthy, reading.message) == (False, "NEOCP watcher: no poll for 900 s")
    assert seen == [clock.utc()]
    heartbeat.forget_loop("NEOCP watcher")
    heartbeat.write()
    assert read_health(heartbeat.path, now=clock.utc()).healthy


def test_no_heartbeat_file_means_not_running(tmp_path: Path) -> None:
    reading = read_health(tmp_path / "heartbeat.json")
    assert not reading.healthy
    assert "not running" in reading.message


def test_an_unreadable_heartbeat_is_unhealthy_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "heartbeat.json"
    path.write_text("{half a fi")
    assert not read_health(path).healthy
    path.write_text(json.dumps({"at": "yesterday"}))
    assert "unreadable" in read_health(path).message


async def test_stopping_removes_the_heartbeat_so_a_stopped_bot_is_not_healthy(
    tmp_path: Path,
) -> None:
    heartbeat = Heartbeat(tmp_path / "data" / "heartbeat.json")
    heartbeat.start()
    heartbeat.gateway_connected()  # written at once, not at the next beat
    assert read_health(heartbeat.path).healthy
    await heartbeat.stop()
    assert not heartbeat.path.exists()
    assert list(heartbeat.path.parent.iterdir()) == [], "no temporary file left behind"
