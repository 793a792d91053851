"""database.url as operators write it: the forms providers hand out, drivers, sslmode, masking."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from bot.config import ConfigError, Settings, load_settings
from bot.database_url import (
    DatabaseUrlError,
    database_target,
    driver_missing,
    libpq_dsn,
    mask_url,
    parse_database_url,
)
from bot.store import Store, StoreError
from tests.test_cli import run_cli

PASSWORD = "hunter2-s3cret"
PSYCOPG_INSTALLED = importlib.util.find_spec("psycopg") is not None


@pytest.mark.parametrize(
    ("written", "driver"),
    [
        ("postgres://bot:pw@db.example.com/scout", "postgresql+asyncpg"),
        ("postgresql://bot:pw@db.example.com/scout", "postgresql+asyncpg"),
        ("postgresql+asyncpg://bot:pw@db.example.com/scout", "postgresql+asyncpg"),
        ("postgres+asyncpg://bot:pw@db.example.com/scout", "postgresql+asyncpg"),
        ("postgresql+psycopg://bot:pw@db.example.com/scout", "postgresql+psycopg"),
        ("sqlite:///data/scoutbot.db", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:////var/lib/scoutbot/bot.db", "sqlite+aiosqlite"),
    ],
)
def test_the_forms_operators_write_get_an_async_driver(written: str, driver: str) -> None:
    parsed = parse_database_url(written)
    assert parsed.drivername == driver
    assert parsed.database == make_url(written).database


def test_an_explicit_driver_is_kept_not_replaced_by_asyncpg() -> None:
    assert parse_database_url("postgresql+psycopg://h/db").drivername == "postgresql+psycopg"


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("postgresql+psycopg2://h/db", "psycopg2 is a synchronous driver"),
        ("postgresql+pg8000://h/db", "pg8000 is a synchronous driver"),
        ("mysql://h/db", "unsupported database 'mysql'"),
        ("sqlite://", "a SQLite URL needs a file"),
        ("not a url", "not a database URL"),
    ],
)
def test_urls_scout_bot_cannot_use_are_refused_with_what_to_write(written: str, says: str) -> None:
    with pytest.raises(DatabaseUrlError, match=says):
        parse_database_url(written)


def test_a_driver_that_is_not_installed_is_named_with_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "asyncpg" else real_find_spec(name, *a),
    )
    missing = driver_missing(parse_database_url("postgres://h/db"))
    assert missing is not None
    assert "asyncpg" in missing
    assert "scout-bot[postgres]" in missing


def test_the_postgres_extra_is_installed_by_make_install() -> None:
    assert driver_missing(parse_database_url("postgresql://h/db")) is None


@pytest.mark.skipif(PSYCOPG_INSTALLED, reason="psycopg is installed here")
async def test_opening_with_a_driver_not_installed_says_so_in_one_line() -> None:
    with pytest.raises(StoreError, match=r"psycopg driver .* is not installed"):
        await Store.open("postgresql+psycopg://bot:pw@127.0.0.1:1/scout")


# --- libpq's parameters, sslmode above all, reach asyncpg ---------------------------------


async def test_asyncpg_connects_with_the_libpq_dsn_so_sslmode_is_honoured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncpg

    dsns: list[str] = []

    async def fake_connect(dsn: str, **kwargs: Any) -> object:
        dsns.append(dsn)
        assert kwargs == {}, "libpq parameters must travel in the DSN, not as keywords"
        return object()

    monkeypatch.setattr(asyncpg, "connect", fake_connect)
    target = database_target(
        "postgres://bot:pw@db.example.com:6543/scout?sslmode=verify-full&sslrootcert=/ca.pem"
    )
    assert target.url.query == {}, "SQLAlchemy would pass the query to asyncpg as keywords"
    await target.engine_options["async_creator"]()
    [dsn] = dsns
    assert dsn.startswith("postgresql://bot:pw@db.example.com:6543/scout?")
    assert "sslmode=verify-full" in dsn
    assert "sslrootcert=%2Fca.pem" in dsn or "sslrootcert=/ca.pem" in dsn


@pytest.mark.parametrize("mode", ["disable", "allow", "prefer", "require", "verify-ca"])
def test_every_sslmode_is_accepted(mode: str) -> None:
    target = database_target(f"postgresql://h/db?sslmode={mode}")
    assert "async_creator" in target.engine_options


def test_a_psycopg_url_keeps_its_query_for_libpq() -> None:
    url = parse_database_url("postgresql+psycopg://h/db?sslmode=require")
    assert url.query == {"sslmode": "require"}
    assert libpq_dsn(url) == "postgresql://h/db?sslmode=require"


async def test_a_failed_connection_is_one_store_error_without_the_password() -> None:
    # Nothing listens on port 1: the same path as a server that refuses TLS or the login.
    with pytest.raises(StoreError) as raised:
        await Store.open(f"postgres://bot:{PASSWORD}@127.0.0.1:1/scout?sslmode=require")
    assert PASSWORD not in str(raised.value)
    assert "bot:***@127.0.0.1:1/scout" in str(raised.value)


# --- the password never shows --------------------------------------------------------------


def test_mask_url_hides_the_password_even_in_a_url_it_cannot_parse() -> None:
    assert mask_url(f"postgres://bot:{PASSWORD}@h/db") == "postgres://bot:***@h/db"
    assert PASSWORD not in mask_url(f"weird://bot:{PASSWORD}@h:notaport/db")


def test_settings_dump_and_repr_mask_the_database_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCOUTBOT_DATABASE__URL", f"postgresql://bot:{PASSWORD}@db/scout")
    settings = Settings()
    assert settings.database.url.endswith(f":{PASSWORD}@db/scout"), "the store needs it"
    assert settings.masked()["database"]["url"] == "postgresql://bot:***@db/scout"
    for text in (repr(settings), str(settings), repr(settings.database), str(settings.masked())):
        assert PASSWORD not in text


def test_an_invalid_url_is_reported_without_its_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCOUTBOT_DATABASE__URL", f"mysql://bot:{PASSWORD}@db/scout")
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert "database.url: unsupported database 'mysql'" in str(raised.value)
    assert PASSWORD not in str(raised.value)


def test_check_config_masks_the_database_password(tmp_path: Any) -> None:
    url = f"postgres://bot:{PASSWORD}@db.example.com/scout?sslmode=require"
    result = run_cli("check-config", cwd=tmp_path, env={"SCOUTBOT_DATABASE__URL": url})
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    assert '"url": "postgres://bot:***@db.example.com/scout?sslmode=require"' in result.stdout


@pytest.mark.skipif(PSYCOPG_INSTALLED, reason="psycopg is installed here")
def test_check_config_fails_when_the_urls_driver_is_not_installed(tmp_path: Any) -> None:
    url = f"postgresql+psycopg://bot:{PASSWORD}@db/scout"
    result = run_cli("check-config", cwd=tmp_path, env={"SCOUTBOT_DATABASE__URL": url})
    assert result.returncode == 2
    assert "error: database.url: the psycopg driver" in result.stderr
    assert PASSWORD not in result.stdout + result.stderr
