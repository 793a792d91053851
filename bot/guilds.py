"""Which Discord servers the bot serves (the MPC asks that NEOCP data stay private)."""

from __future__ import annotations

from collections.abc import Iterable

NOT_SERVED_NOTICE = (
    "scout-bot serves only its team's own servers (the MPC asks that NEOCP designations "
    "and ephemerides not be spread publicly), so it is leaving this one."
)
REFUSAL = "This bot serves only its team's own servers; it answers nothing here."
DM_REFUSAL = "scout-bot works only inside its team's servers, not in direct messages."


class GuildPolicy:
    """An empty allow-list serves every server the bot is in (and start-up warns)."""

    def __init__(self, allowed_guilds: Iterable[int]) -> None:
        self._allowed = frozenset(allowed_guilds)

    @property
    def restricted(self) -> bool:
        return bool(self._allowed)

    def allows(self, guild_id: int | None) -> bool:
        if guild_id is None:
            return False
        return not self._allowed or guild_id in self._allowed
