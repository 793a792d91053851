"""/scout: JPL CNEOS Scout's assessment of NEOCP objects, one subcommand per Scout mode.

The ``Scout`` group cog is put together from one cog class per kind of command, each in
its own module, so a new subcommand is a new module and one more base here (discord.py
collects the commands of every base into the one /scout group):

| module | what |
|---|---|
| ``listing`` | /scout list |
| ``paging`` | the pager both lists share: ◀ Previous, the counter, Next ▶, Jump… and its form |
| ``pager`` | the /scout list pager buttons |
| ``objects`` | /scout object, ephemeris, fov, plots, orbits, observations |
| ``object_buttons`` | the buttons under /scout object |
| ``answers`` | one function per Scout mode, shared by commands and buttons |
| ``autocomplete`` | designation autocomplete |
| ``tonight`` | /scout tonight, its pager and its 🔭 site-ephemeris buttons |

Errors are not caught here: the tree's ``on_error`` answers them ephemerally and logs
them, and the buttons hand theirs to the same ``answer_error``.
"""

from __future__ import annotations

from discord.ext import commands

from bot.client import ScoutBot
from cogs.scout.listing import ListCommand
from cogs.scout.object_buttons import ObjectButton
from cogs.scout.objects import ObjectCommands
from cogs.scout.pager import ListPageButton
from cogs.scout.tonight import SiteEphemerisButton, TonightCommand, TonightPageButton

# Registered for the cog's lifetime: every press of these is answered, whenever it was
# posted (the buttons keep their state in the custom_id).
DYNAMIC_ITEMS = (ObjectButton, ListPageButton, TonightPageButton, SiteEphemerisButton)


class Scout(
    # Subcommands are registered in the reverse order of the bases: list first.
    TonightCommand,
    ObjectCommands,
    ListCommand,
    commands.GroupCog,
    group_name="scout",
    group_description="JPL CNEOS Scout: NEOCP objects, ephemerides, plots and orbits",
):
    def __init__(self, bot: ScoutBot) -> None:
        self.bot = bot
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)


async def setup(bot: ScoutBot) -> None:
    await bot.add_cog(Scout(bot))
