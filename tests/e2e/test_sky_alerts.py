"""A site-filtered subscription through Discord: /site add G96, /alerts subscribe with
site and observable, and a fake Scout whose objects are placed on the sky on purpose
(relative to this test's own 'now'): new, updated and removed events reach the
site-filtered channel only for the object Mt. Lemmon can observe, each with the site's line:
Scout's own figures from G96 (one ephemeris request for the object and site), coarse for
the removal (Scout no longer has the object)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.fake_discord.wire import MANAGE_CHANNELS, MEMBER_PERMISSIONS
from tests.e2e.fake_upstreams import FakeScout
from tests.e2e.harness import (
    ALERTS,
    FAST_ALERTS_ENV,
    FOLLOW_UP,
    BotProcess,
    World,
)
from tests.e2e.steps import SCENARIOS_THAT_BREAK_SCOUT, as_moderator, full_polls, posts_about
from tests.sky.helpers import meridian_ra, site

pytestmark = SCENARIOS_THAT_BREAK_SCOUT

MANAGE_GUILD = 1 << 5
PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_GUILD | MANAGE_CHANNELS
UP, LOW = "P77up01", "P77low1"


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    return FAST_ALERTS_ENV


@pytest.fixture(scope="module", autouse=True)
def _bot_running(bot: BotProcess) -> None:
    """Every scenario here talks to the running bot."""


def site_questions(scout: FakeScout, since: int = 0) -> list[tuple[str, str]]:
    """The ephemeris requests sent to the fake Scout: (object, observatory code)."""
    return [
        (r.query["tdes"], r.query.get("obs-code", "500"))
        for r in scout.since(since)
        if r.mode == "ephemeris"
    ]


def place(scout: FakeScout) -> None:
    """UP on Mt. Lemmon's meridian in the middle of its coming night; LOW at Dec -80."""
    from bot.sky import tonight_window

    now = datetime.now(UTC)
    window = tonight_window(site("G96"), now)
    assert window is not None
    ra = meridian_ra(site("G96"), window.start + (window.end - window.start) / 2)
    hours, minutes = divmod(round(ra / 15 * 60) % 1440, 60)
    common = {"ra": f"{hours:02d}:{minutes:02d}", "tEphem": now.strftime("%Y-%m-%d %H:%M")}
    scout.add(UP, dec="+30", Vmag="20.3", unc="3.2", neoScore=95, **common)
    # What Scout's own ephemeris from G96 says of it, unlike the summary's coarse figures.
    scout.topocentric[UP] = {"el": "71", "vmag": "20.1", "sigma-pos": "2.5", "moon": "88"}
    scout.add(LOW, dec="-80", Vmag="19.0", neoScore=95, **common)


async def test_a_site_and_two_subscriptions(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout, world: World
) -> None:
    added = await fake_discord.answer(
        await as_moderator(
            fake_discord,
            "site add",
            code="G96",
            name="Mt. Lemmon",
            fov_arcmin=60.0,
            permissions=PERMISSIONS,
        )
    )
    assert "Site added: Mt. Lemmon (G96)" in added.text
    await full_polls(fake_scout)  # the first poll has recorded the list
    sited = await fake_discord.answer(
        await as_moderator(
            fake_discord,
            "alerts subscribe",
            permissions=PERMISSIONS,
            channel=world.team.channels[ALERTS],
            site="G96",
            observable=True,
            within_hours=24.0,
        )
    )
    assert "only objects observable from G96 within 24 h" in sited.text
    await fake_discord.answer(
        await as_moderator(
            fake_discord,
            "alerts subscribe",
            channel=world.team.channels[FOLLOW_UP],
            permissions=PERMISSIONS,
        )
    )


async def test_a_new_object_reaches_the_site_channel_only_if_observable(
    fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    before = fake_scout.count()
    place(fake_scout)
    await fake_discord.wait_for(
        lambda: (
            posts_about(fake_discord, FOLLOW_UP, UP) and posts_about(fake_discord, FOLLOW_UP, LOW)
        ),
        "both new objects in #follow-up",
        within=30.0,
    )
    await full_polls(fake_scout)
    [alert] = posts_about(fake_discord, ALERTS, UP)
    assert posts_about(fake_discord, ALERTS, LOW) == []
    # Scout's own figures from the site, asked once for the object and site only.
    assert "From Mt. Lemmon (G96): up " in alert.text and "highest 71° at " in alert.text
    assert "V 20.1, 1σ 2.5′ (field 60′), Moon 88°" in alert.text
    assert site_questions(fake_scout, before) == [(UP, "G96")]


async def test_an_update_and_the_removals(fake_discord: FakeDiscord, fake_scout: FakeScout) -> None:
    fake_scout.update(UP, nObs=12, neoScore=99)
    await fake_discord.wait_for(
        lambda: len(posts_about(fake_discord, ALERTS, UP)) == 2,
        "the update in #neo-alerts",
        within=30.0,
    )
    fake_scout.remove(UP)
    fake_scout.remove(LOW)
    await fake_discord.wait_for(
        lambda: len(posts_about(fake_discord, FOLLOW_UP, LOW)) == 2,
        "LOW's removal in #follow-up",
        within=30.0,
    )
    await fake_discord.wait_for(
        lambda: len(posts_about(fake_discord, ALERTS, UP)) == 3,
        "UP's removal in #neo-alerts",
        within=30.0,
    )
    await full_polls(fake_scout)
    assert posts_about(fake_discord, ALERTS, LOW) == []
    update, removal = posts_about(fake_discord, ALERTS, UP)[1:]
    assert "V 20.1, 1σ 2.5′ (field 60′), Moon 88°" in update.text
    assert "From Mt. Lemmon (G96), coarse: " in removal.text
    # The update's Scout run may be a new one: at most one more question, none for LOW.
    assert set(site_questions(fake_scout)) == {(UP, "G96")}
    assert len(site_questions(fake_scout)) <= 2
