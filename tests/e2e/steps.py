"""What the end-to-end scenarios do through Discord and wait for, shared by the modules."""

from __future__ import annotations

import pytest

from tests.e2e.fake_discord import FakeDiscord, FakeInteraction, FakeMessage
from tests.e2e.fake_upstreams import FakeScout
from tests.e2e.harness import GENERAL, MODERATOR, MODERATOR_PERMISSIONS, TEAM_GUILD

# The ``pytestmark`` of a module whose scenarios share one bot process and make Scout fail:
# the fake Scout is healed and prompt again after each test.
SCENARIOS_THAT_BREAK_SCOUT = [
    pytest.mark.e2e,
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.usefixtures("healthy_scout"),
]


async def as_moderator(
    discord: FakeDiscord,
    command: str,
    *,
    permissions: int = MODERATOR_PERMISSIONS,
    **options: object,
) -> FakeInteraction:
    """``command`` (``"alerts subscribe"``, ...) typed in the team's #general by a member
    who may manage channels."""
    return await discord.slash(
        command,
        guild_id=TEAM_GUILD,
        channel_id=GENERAL,
        user=MODERATOR,
        permissions=permissions,
        **options,
    )


async def scout(discord: FakeDiscord, command: str, **options: object) -> FakeInteraction:
    """``/scout command`` typed in the team's #general by an ordinary member."""
    return await discord.slash(
        f"scout {command}", guild_id=TEAM_GUILD, channel_id=GENERAL, **options
    )


async def full_polls(scout: FakeScout, count: int = 1) -> None:
    """Wait until `count` polls that started after now have finished: polls run one after
    another, so the start of poll n+1 means poll n is done."""
    await scout.wait_requests(scout.count("summary") + count + 1, mode="summary", within=30.0)


def posts_about(discord: FakeDiscord, channel_id: int, designation: str) -> list[FakeMessage]:
    return [m for m in discord.channel_messages(channel_id) if designation in m.text]
