"""The real bot, as ``tests.e2e.launch`` starts it, with its buttons expiring sooner.

    BENCH_BUTTON_TIMEOUT=15 python -m bench.launch_short_buttons

/scout object and /scout list keep their buttons working for 10 minutes, so discord.py
holds their views that long. The memory benchmark uses this to check that what they hold
is given back when they expire (it cannot wait 10 minutes). Only the views' default
timeouts change; the bot is otherwise the unmodified one.
"""

from __future__ import annotations

import os
import sys

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
            module = sys.modules[name]
            for view in (module.ListPager, module.ObjectView):
                defaults = view.__init__.__kwdefaults__
                assert defaults is not None and "timeout" in defaults, f"{view.__name__} changed"
                defaults["timeout"] = seconds

    ScoutBot.load_extension = load_then_patch  # type: ignore[method-assign]


if __name__ == "__main__":
    shorten_button_timeouts(float(os.environ.get(TIMEOUT_ENV, "15")))
    sys.exit(launch.main())
