"""Forgetting a server: everything it owns goes, in one transaction; other servers keep
theirs."""

from __future__ import annotations

from bot.followup import FollowupStatus
from bot.store import GuildDataRemoved, Store
from tests.fakes import T0
from tests.followup.helpers import P21, press
from tests.sky.helpers import site
from tests.store.helpers import CHANNEL, GUILD, queue_one_new_event, subscription

OTHER_GUILD = GUILD + 1


async def _a_server_with_everything(store: Store, guild_id: int, channel_id: int) -> None:
    await store.save_subscription(
        subscription(channel_id).model_copy(update={"guild_id": guild_id})
    )
    await store.save_channel_followup(
        guild_id=guild_id, channel_id=channel_id, threads=True, press_role_id=None
    )
    await store.save_site(guild_id, site("G96"), by=1, at=T0)
    await store.save_site(guild_id, site("I41"), by=1, at=T0)
    await store.set_member_site(guild_id, 2, "I41")
    await store.record_status(press("Alice", FollowupStatus.TARGETING, guild_id=guild_id))
    await store.record_status(press("Bob", FollowupStatus.FOUND, 1, guild_id=guild_id))
    alert = await store.remember_alert_message(
        guild_id=guild_id, channel_id=channel_id, message_id=channel_id * 10, key=P21, at=T0
    )
    await store.thread_opened(alert.message_id, alert.message_id)


async def test_forgetting_a_server_removes_all_it_owns_and_says_what(store: Store) -> None:
    await _a_server_with_everything(store, GUILD, CHANNEL)
    await _a_server_with_everything(store, OTHER_GUILD, CHANNEL + 1)
    await queue_one_new_event(store)  # an alert still owed to both channels

    removed = await store.forget_guild(GUILD)

    assert removed == GuildDataRemoved(
        statuses=2,
        alert_messages=1,
        threads=1,
        channel_settings=1,
        sites=2,
        member_sites=1,
        subscriptions=1,
        delivery_records=1,
    )
    assert (await store.team_status(GUILD, P21)).empty
    assert await store.alert_messages(GUILD, P21) == []
    assert await store.guild_sites(GUILD) == []
    assert await store.site_for_member(GUILD, 2) is None
    assert await store.guild_subscriptions(GUILD) == []
    assert (await store.channel_followup(CHANNEL)).press_role_id is None
    rows = (await store.due_messages()).rows
    assert [row.target.channel_id for row in rows] == [CHANNEL + 1]


async def test_another_server_keeps_everything(store: Store) -> None:
    await _a_server_with_everything(store, GUILD, CHANNEL)
    await _a_server_with_everything(store, OTHER_GUILD, CHANNEL + 1)

    await store.forget_guild(GUILD)

    team = await store.team_status(OTHER_GUILD, P21)
    assert team.summary() == "1 targeting, found by Bob (I41)"
    assert len(await store.alert_messages(OTHER_GUILD, P21)) == 1
    assert [s.site.code for s in await store.guild_sites(OTHER_GUILD)] == ["G96", "I41"]
    stored = await store.site_for_member(OTHER_GUILD, 2)
    assert stored is not None and stored.site.code == "I41"
    assert len(await store.guild_subscriptions(OTHER_GUILD)) == 1


async def test_forgetting_a_server_with_nothing_removes_nothing(store: Store) -> None:
    assert (await store.forget_guild(GUILD)).nothing
