"""/alerts subscribe with a site, and /site remove while a subscription uses the site."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.errors import InvalidInput
from bot.guilds import GuildPolicy
from bot.store import Store
from cogs.alerts import Alerts
from cogs.site import Sites
from tests.cogs.test_alerts import (
    BOT_PERMS,
    GUILD,
    HERE,
    MODERATOR_PERMS,
    answer_text,
    interaction_in,
    subscribe,
    text_channel,
)
from tests.fakes import FakeScout
from tests.helpers import make_bot
from tests.recorded import summary
from tests.sky.helpers import site


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(f"sqlite:///{tmp_path}/cog.db")
    yield opened
    await opened.close()


@pytest.fixture
def bot(store: Store) -> Any:
    made = make_bot(
        scout=FakeScout(summary()),
        settings=Settings(discord={"allowed_guilds": [GUILD]}),
        store=store,
    )
    made.guild_policy = GuildPolicy([GUILD])
    return made


@pytest.fixture
def cog(bot: Any, store: Store) -> Alerts:
    return Alerts(bot, store)


def here(bot: Any) -> Any:
    channel = text_channel(HERE, user_perms=MODERATOR_PERMS, bot_perms=BOT_PERMS)
    return interaction_in(channel, client=bot)


async def test_observable_alone_uses_the_servers_default_site(
    cog: Alerts, bot: Any, store: Store
) -> None:
    await store.save_site(GUILD, site("G96", name="Mt. Lemmon"), by=1)
    used = here(bot)
    await subscribe(cog, used, observable=True, within_hours=12.0)
    saved = await store.subscription_for_channel(GUILD, HERE)
    assert saved is not None
    assert (saved.filter.site, saved.filter.observable, saved.filter.within_hours) == (
        "G96",
        True,
        12.0,
    )
    assert "only objects observable from G96 within 12 h" in answer_text(used)


async def test_a_named_site_adds_its_figures_without_filtering(
    cog: Alerts, bot: Any, store: Store
) -> None:
    await store.save_site(GUILD, site("G96"), by=1)
    await store.save_site(GUILD, site("703"), by=1)
    await subscribe(cog, here(bot), site="703 Catalina")
    saved = await store.subscription_for_channel(GUILD, HERE)
    assert saved is not None and saved.filter.site == "703" and not saved.filter.observable


async def test_observable_without_any_site_is_refused(cog: Alerts, bot: Any, store: Store) -> None:
    with pytest.raises(InvalidInput, match="`observable` needs a site"):
        await subscribe(cog, here(bot), observable=True)
    assert await store.subscription_for_channel(GUILD, HERE) is None


async def test_a_site_the_server_lacks_is_refused(cog: Alerts, bot: Any, store: Store) -> None:
    with pytest.raises(InvalidInput, match="no site F51"):
        await subscribe(cog, here(bot), site="F51", observable=True)


async def test_a_site_in_use_by_alerts_cannot_be_removed(
    cog: Alerts, bot: Any, store: Store
) -> None:
    await store.save_site(GUILD, site("G96"), by=1)
    await subscribe(cog, here(bot), site="G96", observable=True)
    removal = interaction_in(
        text_channel(HERE, user_perms=MODERATOR_PERMS, bot_perms=BOT_PERMS), client=bot
    )
    with pytest.raises(InvalidInput, match=f"The alerts in <#{HERE}> use site G96"):
        await Sites.remove.callback(Sites(bot), removal, "G96")
    assert await store.site(GUILD, "G96") is not None
