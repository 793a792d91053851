"""The real bot, as ``tests.e2e.launch`` starts it, with its buttons expiring sooner.

    BENCH_BUTTON_TIMEOUT=15 python -m bench.launch_short_buttons

/scout object and /scout list keep their buttons working for 10 minutes, so discord.py
holds their views that long. The memory benchmark uses this to check that what they hold
is given back when they expire (it cannot wait 10 minutes). Only the views' default
timeouts change; the bot is otherwise the unmodified one. Buttons rebuilt from their
custom_id at each press (discord.py's DynamicItem) hold nothing: then there is nothing to
patch, and the line this prints says so.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType

import discord

from tests.e2e import launch

TIMEOUT_ENV = "BENCH_BUTTON_TIMEOUT"


def shorten_button_timeouts(seconds: float) -> None:
    """Patch the views' default timeout once discord.py has (re)executed ``cogs.scout``:
    ``load_extension`` builds a fresh module, so patching an earlier import would be lost."""
    from bot.client import ScoutBot

    load = ScoutBot.load_extension

    async def load_then_patch(self: ScoutBot, name: str, *, package: str | None = None) -> None:
        await load(self, name, package=package)
        if name == "cogs.scout":
            patched = _patch_views(sys.modules[name], seconds)
            # Said on stdout, so that the benchmark's log shows what this run changed.
            print(f"bench: button timeout {seconds:g} s for {patched or 'no timed views'}")

    ScoutBot.load_extension = load_then_patch  # type: ignore[method-assign]


def _patch_views(module: ModuleType, seconds: float) -> list[str]:
    """Every View class of the module whose constructor takes a timeout (None if buttons
    are rebuilt from their custom_id at each press and nothing is held)."""
    patched = []
    for value in vars(module).values():
        if not (isinstance(value, type) and issubclass(value, discord.ui.View)):
            continue
        defaults = value.__init__.__kwdefaults__
        if value.__module__ == module.__name__ and defaults and "timeout" in defaults:
            defaults["timeout"] = seconds
            patched.append(value.__name__)
    return patched


if __name__ == "__main__":
    shorten_button_timeouts(float(os.environ.get(TIMEOUT_ENV, "15")))
    sys.exit(launch.main())
