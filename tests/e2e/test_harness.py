"""The launcher's hooks into discord.py exist in the pinned version, and it refuses to run
without a fake to point at (so a mistake can never reach the real Discord)."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys

import discord.gateway
import discord.http
import pytest
import yarl

from tests.e2e.harness import REPO

pytestmark = pytest.mark.e2e


def test_discord_py_is_the_pinned_version() -> None:
    pyproject = (REPO / "pyproject.toml").read_text()
    pinned = re.search(r'"discord\.py==([^"]+)"', pyproject)
    assert pinned is not None, "pyproject.toml must pin discord.py exactly"
    assert importlib.metadata.version("discord.py") == pinned.group(1)


def test_discord_py_still_reads_its_rest_base_from_route_base() -> None:
    assert discord.http.Route.BASE == "https://discord.com/api/v10"
    original = discord.http.Route.BASE
    try:
        discord.http.Route.BASE = "http://127.0.0.1:1/api/v10"
        assert discord.http.Route("GET", "/users/@me").url == "http://127.0.0.1:1/api/v10/users/@me"
    finally:
        discord.http.Route.BASE = original


def test_discord_py_still_reads_its_gateway_from_default_gateway() -> None:
    gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    assert isinstance(gateway, yarl.URL)
    assert str(gateway) == "wss://gateway.discord.gg/"


def test_the_launcher_refuses_to_start_without_a_fake_discord() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.e2e.launch"],
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "DISCORD_TOKEN": "x"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "E2E_FAKE_DISCORD_URL" in result.stderr
