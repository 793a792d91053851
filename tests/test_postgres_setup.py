"""How the suite treats PostgreSQL: skip when none is configured, FAIL when one is configured
but out of reach (a CI that skipped would pass having tested nothing), and leave nothing
behind in the shared server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.postgres import ENV_VAR, SCHEMA_PREFIX, postgres_configured, throwaway_schema

A_STORE_TEST = "tests/store/test_subscriptions.py::test_subscriptions_are_per_server"


def run_store_test(url: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != ENV_VAR}
    if url is not None:
        env[ENV_VAR] = url
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", A_STORE_TEST],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_a_configured_server_the_postgresql_case_skips_and_says_how() -> None:
    result = run_store_test(None)
    assert result.returncode == 0, result.stdout
    assert "1 passed, 1 skipped" in result.stdout
    assert f"PostgreSQL not configured: set {ENV_VAR}" in result.stdout


def test_a_configured_server_out_of_reach_fails_the_run_without_showing_its_password() -> None:
    # Nothing listens on port 1.
    result = run_store_test("postgresql://postgres:pw-not-shown@127.0.0.1:1/test")
    assert result.returncode == 1, result.stdout
    assert "1 passed, 1 error" in result.stdout
    assert f"{ENV_VAR} is set but PostgreSQL at postgresql://postgres:***@127.0.0.1:1/test" in (
        result.stdout
    )
    assert "pw-not-shown" not in result.stdout


@pytest.mark.skipif(not postgres_configured(), reason=f"{ENV_VAR} is not set")
async def test_each_test_gets_its_own_schema_and_it_is_dropped_afterwards() -> None:
    import asyncpg

    from bot.database_url import libpq_dsn, parse_database_url
    from tests.postgres import CONFIGURED_URL

    assert CONFIGURED_URL is not None
    async with throwaway_schema() as first, throwaway_schema() as second:
        assert first != second
        schema = first.rsplit("search_path=", 1)[1]
        assert schema.startswith(SCHEMA_PREFIX)
    admin = await asyncpg.connect(libpq_dsn(parse_database_url(CONFIGURED_URL).set(query={})))
    try:
        left = await admin.fetchval("select count(*) from pg_namespace where nspname = $1", schema)
    finally:
        await admin.close()
    assert left == 0


def test_ci_runs_the_postgresql_cases_and_fails_when_the_server_is_missing() -> None:
    ci = (REPO / ".ci" / "run").read_text()
    assert f"{ENV_VAR}=" in ci
    assert "postgresql://postgres@127.0.0.1:5432/test" in ci
    assert "exit 1" in ci.split("== postgresql", 1)[1]


def test_the_e2e_alert_scenarios_run_on_postgresql_too() -> None:
    module = Path(REPO / "tests" / "e2e" / "test_alerts_postgresql.py").read_text()
    assert "from tests.e2e.test_alerts import *" in module
