"""/actioncode: ask the MPC to e-mail a lost action code to the original submitter.

Everything here is private to the person who asked (ephemeral). A bad label or an
exhausted limit is refused before anything is acknowledged or sent; the tree's error
handler answers those, and the MPC's refusals and failures, ephemerally.
"""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands

from bot.client import Interaction, ScoutBot
from bot.mpc import parse_label
from bot.render.actioncode import accepted_message

# The longest real label (a submission block id) has 35 characters; a little room lets
# an over-long paste reach our own explanation instead of Discord's generic refusal.
MAX_LABEL_CHARS = 100


class ActionCode(commands.Cog):
    def __init__(self, bot: ScoutBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="actioncode",
        description="Ask the MPC to e-mail a lost action code to the original submitter",
    )
    @app_commands.describe(
        label="trksub, trkid, submission id or submission block id of your submission"
    )
    async def actioncode(
        self,
        interaction: Interaction,
        label: app_commands.Range[str, 1, MAX_LABEL_CHARS],
    ) -> None:
        parsed = parse_label(label)  # InvalidInput: nothing acknowledged, nothing sent
        reservation = self.bot.mpc_client.reserve(parsed, user_id=interaction.user.id)
        try:
            # The MPC may be slow, and the request may wait its turn behind others.
            await interaction.response.defer(ephemeral=True, thinking=True)
        except BaseException:
            self.bot.mpc_client.release(reservation)  # nothing was sent: it does not count
            raise
        result = await self.bot.mpc_client.request(reservation)
        await interaction.followup.send(accepted_message(result), ephemeral=True)


async def setup(bot: ScoutBot) -> None:
    await bot.add_cog(ActionCode(bot))
