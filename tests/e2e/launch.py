"""Run the real bot (``bot.__main__.main``) against the fake Discord of the e2e tests.

    E2E_FAKE_DISCORD_URL=http://127.0.0.1:PORT python -m tests.e2e.launch [bot arguments]

The bot's code is not changed. Two things are set before it starts, from here and only
here, never in production code:

- discord.py's REST base (``discord.http.Route.BASE``) and gateway
  (``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY``) point at the fake Discord;
- if ``E2E_ALLOW_FAST_POLLS=1``, ``alerts.poll_interval_seconds`` may go below the
  production minimum of 30 s (the tests poll every second or two); everything else about the
  settings, including every other limit, stays as in production.
"""

from __future__ import annotations

import os
import sys

import discord.gateway
import discord.http
import yarl
from pydantic import Field

from bot import config

DISCORD_URL_ENV = "E2E_FAKE_DISCORD_URL"
FAST_POLLS_ENV = "E2E_ALLOW_FAST_POLLS"


def point_discord_at_the_fake() -> bool:
    """Point discord.py at the fake Discord the environment names; False if it names none."""
    url = os.environ.get(DISCORD_URL_ENV)
    if not url:
        print(f"error: set {DISCORD_URL_ENV} to the fake Discord's address", file=sys.stderr)
        return False
    point_discord_at(url)
    return True


def point_discord_at(url: str) -> None:
    """Send every REST call and the gateway connection to the fake at `url`."""
    # Both are class attributes that discord.py reads at each request or connection;
    # tests/e2e/test_harness.py checks that the pinned version still has them.
    discord.http.Route.BASE = f"{url.rstrip('/')}/api/v10"
    ws_url = url.replace("http://", "ws://", 1).rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"{ws_url}/gateway")


def allow_fast_polls() -> None:
    """Let ``alerts.poll_interval_seconds`` go down to a fraction of a second."""

    class _TestAlerts(config.AlertsSettings):
        poll_interval_seconds: float = Field(default=120.0, gt=0)

    class _TestSettings(config.Settings):
        alerts: _TestAlerts = Field(default_factory=_TestAlerts)  # type: ignore[assignment]

    # load_settings() builds ``config.Settings``; the subclass is a Settings to all other code.
    config.Settings = _TestSettings  # type: ignore[misc]


def main() -> int:
    if not point_discord_at_the_fake():
        return 2
    if os.environ.get(FAST_POLLS_ENV) == "1":
        allow_fast_polls()
    from bot.__main__ import main as bot_main

    return bot_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
