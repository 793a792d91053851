"""`scout-bot db upgrade|current|copy`, run as an operator runs them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from bot.store import migrations
from tests.test_cli import run_cli

DATA = Path(__file__).parent / "data"
HEAD = migrations.head()


def test_upgrade_then_current_on_a_file_from_before_alembic(tmp_path: Path) -> None:
    shutil.copy(DATA / "scoutbot-v1.db", tmp_path / "bot.db")
    env = {"SCOUTBOT_DATABASE__URL": f"sqlite:///{tmp_path}/bot.db"}

    before = run_cli("db", "current", cwd=tmp_path, env=env)
    assert before.returncode == 1
    assert f"schema none; the newest is {HEAD}: run scout-bot db upgrade" in before.stdout

    upgraded = run_cli("db", "upgrade", cwd=tmp_path, env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"schema 0001 -> {HEAD}" in upgraded.stdout

    again = run_cli("db", "upgrade", cwd=tmp_path, env=env)
    assert f"schema {HEAD}, the newest; nothing to do" in again.stdout

    after = run_cli("db", "current", cwd=tmp_path, env=env)
    assert (after.returncode, after.stdout.strip()) == (
        0,
        f"sqlite:///{tmp_path}/bot.db: schema {HEAD}, the newest",
    )


def test_upgrade_creates_a_new_database(tmp_path: Path) -> None:
    result = run_cli("db", "upgrade", cwd=tmp_path)  # the default sqlite:///data/scoutbot.db
    assert result.returncode == 0, result.stderr
    assert f"schema new -> {HEAD}" in result.stdout
    assert (tmp_path / "data" / "scoutbot.db").is_file()


def copy_recorded(tmp_path: Path, recorded: str, target: str) -> subprocess.CompletedProcess[str]:
    """``scout-bot db copy`` from a copy of a database file an older version wrote."""
    shutil.copy(DATA / recorded, tmp_path / "old.db")
    source = f"sqlite:///{tmp_path}/old.db"
    return run_cli("db", "copy", "--from", source, "--to", target, cwd=tmp_path)


def test_copy_names_each_table_and_the_total(tmp_path: Path) -> None:
    result = copy_recorded(tmp_path, "scoutbot-v3.db", f"sqlite:///{tmp_path}/new.db")
    assert result.returncode == 0, result.stderr
    assert "  subscriptions: 1 rows" in result.stdout
    assert "copied 5 rows from" in result.stdout


def test_copy_to_a_url_it_cannot_use_is_one_error_line_without_the_password(
    tmp_path: Path,
) -> None:
    result = copy_recorded(tmp_path, "scoutbot-v1.db", "postgresql://bot:hunter2@127.0.0.1:1/scout")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: cannot migrate the database postgresql+asyncpg://bot:***@")
    assert "hunter2" not in result.stdout + result.stderr
