"""The command line, run as an operator runs it: a real process, real environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SCOUTBOT_")}
    clean.pop("DISCORD_TOKEN", None)
    clean["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**clean, **(env or {})},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_a_token_the_bot_says_how_to_provide_one(tmp_path: Path) -> None:
    result = run_cli(cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "DISCORD_TOKEN" in lines[0]


def test_check_config_prints_the_effective_settings_with_the_token_masked(tmp_path: Path) -> None:
    result = run_cli(
        "check-config",
        cwd=tmp_path,
        env={"DISCORD_TOKEN": "secret-token-value", "SCOUTBOT_ALERTS__POLL_INTERVAL_SECONDS": "90"},
    )
    assert result.returncode == 0, result.stderr
    assert "secret-token-value" not in result.stdout + result.stderr
    shown = json.loads(result.stdout)
    assert shown["discord"]["token"] == "**********"
    assert shown["alerts"]["poll_interval_seconds"] == 90


def test_check_config_fails_on_an_invalid_file_and_names_the_key(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[alerts]\npoll_interval_seconds = 5\n")
    result = run_cli("--config", str(config), "check-config", cwd=tmp_path)
    assert result.returncode != 0
    assert "alerts.poll_interval_seconds" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_config_reads_the_example(tmp_path: Path) -> None:
    result = run_cli("--config", str(REPO / "config.example.toml"), "check-config", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_sync_without_a_token_fails_cleanly(tmp_path: Path) -> None:
    result = run_cli("sync", "--guild", "123", cwd=tmp_path)
    assert result.returncode != 0
    assert "DISCORD_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


SCRIPT = Path(sys.executable).parent / "scout-bot"


@pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed in this venv")
def test_the_console_script_is_the_same_program(tmp_path: Path) -> None:
    script = subprocess.run(
        [str(SCRIPT), "--help"], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    module = run_cli("--help", cwd=tmp_path)
    assert script.returncode == module.returncode == 0
    assert script.stdout == module.stdout


def test_discord_out_of_reach_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    # The e2e launcher points discord.py at an address where nothing listens.
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SCOUTBOT_")}
    result = subprocess.run(
        [sys.executable, "-m", "tests.e2e.launch"],
        env={
            **clean,
            "PYTHONPATH": str(REPO),
            "DISCORD_TOKEN": "secret-token-value",
            "E2E_FAKE_DISCORD_URL": "http://127.0.0.1:9",
        },
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "could not reach Discord" in result.stderr
    assert "Traceback" not in result.stderr
    assert "secret-token-value" not in result.stderr
