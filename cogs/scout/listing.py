"""/scout list: the NEOCP objects Scout has computed, filtered, sorted and paged."""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands

from bot.client import Interaction
from bot.neocp.filters import ListOptions
from bot.render.safe import message_kwargs
from cogs.scout.answers import ask_scout
from cogs.scout.pager import list_page, with_team_statuses
from cogs.scout.paging import MAX_PAGE


class ListCommand(commands.Cog):
    """/scout list, mixed into the ``Scout`` group cog."""

    @app_commands.command(name="list", description="The NEOCP objects Scout has computed")
    @app_commands.describe(
        sort="Order of the list (default: impact rating, then closest approach, then NEO score)",
        min_neo_score="Only objects with at least this NEO score (0-100)",
        min_pha_score="Only objects with at least this PHA score (0-100)",
        max_vmag="Only objects at least this bright (V)",
        limit="At most this many objects",
        page="Open the list at this page",
        find="Open the list at the page of the first object whose designation matches this",
    )
    @app_commands.choices(
        sort=[
            app_commands.Choice(name="impact rating, closest approach", value="rating"),
            app_commands.Choice(name="NEO score", value="neo"),
            app_commands.Choice(name="PHA score", value="pha"),
            app_commands.Choice(name="V (brightest first)", value="vmag"),
            app_commands.Choice(name="last updated", value="updated"),
        ]
    )
    async def list_objects(
        self,
        interaction: Interaction,
        sort: str = "rating",
        min_neo_score: app_commands.Range[int, 0, 100] | None = None,
        min_pha_score: app_commands.Range[int, 0, 100] | None = None,
        max_vmag: app_commands.Range[float, 0.0, 40.0] | None = None,
        limit: app_commands.Range[int, 1, 200] | None = None,
        page: app_commands.Range[int, 1, MAX_PAGE + 1] = 1,
        find: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        options = ListOptions.build(
            sort=sort,
            min_neo_score=min_neo_score,
            min_pha_score=min_pha_score,
            max_vmag=max_vmag,
            limit=limit,
        )
        summary = await ask_scout(interaction, lambda scout: scout.summary())
        embed, pager = list_page(
            summary, options, owner_id=interaction.user.id, index=page - 1, find=find
        )
        embed = await with_team_statuses(interaction, embed)
        await interaction.followup.send(**message_kwargs(embed=embed, view=pager))
