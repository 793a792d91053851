"""The follow-up components through discord.py's own dispatch: a digest's menus and an
alert's status buttons, as the bot registers them, reach the Followup cog with the object
and the role their custom ids hold, also for menus posted before the digest had several."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import discord
import pytest
from discord.ext import commands

from bot.client import ScoutBot
from bot.config import Settings
from bot.followup import ObjectKey
from bot.followup.buttons import ButtonAction, option_value
from bot.neocp.events import EventKind, NeocpEvent
from bot.render.followup import digest_followup_view, status_view
from bot.store import Store
from cogs.followup.items import DYNAMIC_ITEMS, FOLLOWUP_COG
from tests.builders import scout_object
from tests.followup.helpers import P21
from tests.helpers import make_interaction, message_showing

ROLE = 4242


class RecordingFollowup(commands.Cog, name=FOLLOWUP_COG):
    """Stands in for the Followup cog: remembers what reached it."""

    def __init__(self) -> None:
        self.chosen: list[tuple[ObjectKey, int | None]] = []
        self.pressed: list[tuple[ButtonAction, ObjectKey]] = []

    async def choose(self, interaction: Any, key: ObjectKey, role_id: int | None) -> None:
        self.chosen.append((key, role_id))

    async def press(self, interaction: Any, action: ButtonAction, key: ObjectKey) -> None:
        self.pressed.append((action, key))


@pytest.fixture
async def bot() -> AsyncIterator[ScoutBot]:
    instance = ScoutBot(Settings(discord={"allowed_guilds": [111]}))
    async with instance:
        instance.store = await Store.open(instance.settings.database.url)
        instance.add_dynamic_items(*DYNAMIC_ITEMS)
        yield instance
        await instance.store.close()


@pytest.fixture
async def followup(bot: ScoutBot) -> RecordingFollowup:
    cog = RecordingFollowup()
    await bot.add_cog(cog)
    return cog


def new_events(count: int) -> list[NeocpEvent]:
    return [
        NeocpEvent(
            kind=EventKind.NEW,
            designation=f"P21{n:04d}",
            first_seen=P21.first_seen + timedelta(minutes=n),
            detected_at=P21.first_seen,
            object=scout_object(f"P21{n:04d}", neoScore=90 - n % 50),
        )
        for n in range(count)
    ]


async def dispatch(bot: ScoutBot, message: Any, custom_id: str, kind: int, **data: Any) -> None:
    """Discord's INTERACTION_CREATE for a component, handed to the view store as
    discord.py's ConnectionState does, and its scheduled callbacks awaited."""
    member = discord.Object(id=7)
    member.roles = [discord.Object(id=ROLE)]  # type: ignore[attr-defined]
    interaction = make_interaction(
        client=bot, kind=discord.InteractionType.component, message=message, user=member
    )
    interaction.data = {"custom_id": custom_id, "component_type": kind, **data}
    store = bot._connection._view_store
    store.dispatch_view(kind, custom_id, interaction)
    running = [t for t in asyncio.all_tasks() if t.get_name().startswith("discord-ui-dynamic")]
    assert running, f"no registered item took {custom_id!r}"
    await asyncio.gather(*running)


async def test_each_of_a_digests_menus_hands_its_chosen_object_to_the_cog(
    bot: ScoutBot, followup: RecordingFollowup
) -> None:
    events = new_events(60)
    view = digest_followup_view(events, ROLE)
    assert view is not None
    message = message_showing(view)
    menus = [item for item in view.children if isinstance(item, discord.ui.Select)]
    assert len(menus) == 3 and len({m.custom_id for m in menus}) == 3
    assert [len(m.options) for m in menus] == [25, 25, 10]
    assert menus[2].placeholder == "Record follow-up for… (51–60 of 60)"

    last = events[59]
    key = ObjectKey(designation=last.designation, first_seen=last.first_seen)
    await dispatch(bot, message, menus[2].custom_id, 3, values=[option_value(key)])

    assert followup.chosen == [(key, ROLE)]


async def test_a_menu_posted_before_digests_had_several_still_works(
    bot: ScoutBot, followup: RecordingFollowup
) -> None:
    view = discord.ui.View()
    view.add_item(
        discord.ui.Select(
            custom_id="fud:0",  # the only form there was
            options=[discord.SelectOption(label="P21abcd", value=option_value(P21))],
        )
    )
    await dispatch(bot, message_showing(view), "fud:0", 3, values=[option_value(P21)])

    assert followup.chosen == [(P21, None)]


async def test_a_status_button_hands_its_action_and_object_to_the_cog(
    bot: ScoutBot, followup: RecordingFollowup
) -> None:
    view = status_view(P21, ROLE)
    buttons = [b for b in view.children if isinstance(b, discord.ui.Button)]
    found = next(b for b in buttons if b.label == "Found")
    assert found.custom_id is not None

    await dispatch(bot, message_showing(view), found.custom_id, 2)

    assert followup.pressed == [(ButtonAction.FOUND, P21)]


async def test_a_member_without_the_subscriptions_role_is_refused_before_the_cog(
    bot: ScoutBot, followup: RecordingFollowup
) -> None:
    view = status_view(P21, role_id=999)
    targeting = next(b for b in view.children if isinstance(b, discord.ui.Button))
    assert targeting.custom_id is not None

    await dispatch(bot, message_showing(view), targeting.custom_id, 2)

    assert followup.pressed == []
