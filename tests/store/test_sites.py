"""Each server's observing sites, its default, and members' own defaults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.sky import Twilight
from bot.store import Store, migrations
from bot.store import sites as site_rows
from tests.sky.helpers import site
from tests.store.helpers import database_before

GUILD, OTHER_GUILD = 111, 222
ALICE, BOB = 1001, 1002
T0 = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)


async def test_a_servers_first_site_becomes_its_default(store: Store) -> None:
    stored, replaced = await store.save_site(GUILD, site("G96"), by=ALICE, at=T0)
    assert not replaced
    assert stored.is_default and stored.added_by == ALICE and stored.added_at == T0
    assert stored.site == site("G96")
    second, _ = await store.save_site(GUILD, site("703"), by=ALICE, at=T0)
    assert not second.is_default
    default = await store.default_site(GUILD)
    assert default is not None and default.site.code == "G96"


async def test_adding_a_code_again_replaces_its_settings(store: Store) -> None:
    await store.save_site(GUILD, site("G96"), by=ALICE, at=T0)
    changed = site(
        "G96",
        name="Mt. Lemmon",
        min_altitude=30,
        limiting_vmag=21.5,
        fov_arcmin=60,
        twilight=Twilight.ASTRONOMICAL,
    )
    stored, replaced = await store.save_site(GUILD, changed, by=BOB, at=T0 + timedelta(hours=1))
    assert replaced
    assert stored.site == changed
    assert stored.added_by == ALICE  # who added it first, and when, stay
    assert stored.added_at == T0
    assert await store.count_sites(GUILD) == 1


async def test_the_default_moves_when_asked(store: Store) -> None:
    await store.save_site(GUILD, site("G96"), by=ALICE, at=T0)
    await store.save_site(GUILD, site("703"), by=ALICE, at=T0, make_default=True)
    sites = await store.guild_sites(GUILD)
    assert [(s.site.code, s.is_default) for s in sites] == [("703", True), ("G96", False)]
    moved = await store.set_default_site(GUILD, "G96")
    assert moved is not None and moved.is_default
    assert [s.site.code for s in await store.guild_sites(GUILD) if s.is_default] == ["G96"]
    assert await store.set_default_site(GUILD, "I41") is None


async def test_removing_the_default_hands_it_to_the_earliest_left(store: Store) -> None:
    await store.save_site(GUILD, site("G96"), by=ALICE, at=T0)
    await store.save_site(GUILD, site("I41"), by=ALICE, at=T0 + timedelta(minutes=2))
    await store.save_site(GUILD, site("703"), by=ALICE, at=T0 + timedelta(minutes=1))
    removed, successor = await store.remove_site(GUILD, "G96")
    assert removed is not None and removed.site.code == "G96"
    assert successor is not None and successor.site.code == "703"
    removed, successor = await store.remove_site(GUILD, "I41")
    assert removed is not None and successor is None  # I41 was not the default
    assert await store.remove_site(GUILD, "I41") == (None, None)


async def test_servers_never_see_each_others_sites(store: Store) -> None:
    await store.save_site(GUILD, site("G96"), by=ALICE, at=T0)
    await store.save_site(OTHER_GUILD, site("703", min_altitude=40), by=BOB, at=T0)
    assert [s.site.code for s in await store.guild_sites(GUILD)] == ["G96"]
    assert await store.site(OTHER_GUILD, "G96") is None
    other = await store.default_site(OTHER_GUILD)
    assert other is not None and other.site.min_altitude == 40
    assert await store.remove_site(OTHER_GUILD, "G96") == (None, None)
    assert await store.count_sites(GUILD) == 1


async def test_a_member_default_overrides_the_servers(store: Store) -> None:
    await store.save_site(GUILD, site("G96"), by=ALICE, at=T0)
    await store.save_site(GUILD, site("703"), by=ALICE, at=T0)
    fallback = await store.site_for_member(GUILD, BOB)
    assert fallback is not None and fallback.site.code == "G96"
    assert await store.member_site(GUILD, BOB) is None  # no choice of Bob's own
    mine = await store.set_member_site(GUILD, BOB, "703")
    assert mine is not None and mine.site.code == "703"
    chosen = await store.site_for_member(GUILD, BOB)
    assert chosen is not None and chosen.site.code == "703"
    assert await store.member_site(GUILD, BOB) == chosen
    # Once the site is removed, the server's default applies again.
    await store.remove_site(GUILD, "703")
    again = await store.site_for_member(GUILD, BOB)
    assert again is not None and again.site.code == "G96"
    assert await store.member_site(GUILD, BOB) is None


async def test_a_member_cannot_choose_a_site_the_server_lacks(store: Store) -> None:
    assert await store.set_member_site(GUILD, BOB, "I41") is None
    assert await store.site_for_member(GUILD, BOB) is None


async def test_sites_survive_reopening_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/sites.db"
    first = await Store.open(url)
    await first.save_site(GUILD, site("G96", fov_arcmin=60), by=ALICE, at=T0)
    await first.close()
    again = await Store.open(url)
    try:
        stored = await again.site(GUILD, "G96")
        assert stored is not None and stored.site.fov_arcmin == 60 and stored.is_default
    finally:
        await again.close()


async def test_a_database_from_before_sites_gains_their_tables(tmp_path: Path) -> None:
    async with (
        database_before(tmp_path, "2", without=site_rows.TABLES) as engine,
        engine.begin() as connection,
    ):
        assert (await migrations.upgrade(connection)).before == "0002"
        await site_rows.save(connection, GUILD, site("G96"), make_default=False, by=ALICE, at=T0)
        assert [s.site.code for s in await site_rows.of_guild(connection, GUILD)] == ["G96"]
