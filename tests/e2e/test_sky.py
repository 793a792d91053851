"""Observing sites through Discord: /site add G96 (with its autocomplete), /site list,
/scout tonight against a fake Scout whose objects are placed on the sky on purpose
(relative to this test's own 'now'), and the 🔭 button's topocentric ephemeris."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.e2e.fake_discord import DEFERRED_CHANNEL_MESSAGE, FakeDiscord, FakeMessage
from tests.e2e.fake_discord.wire import MEMBER_PERMISSIONS
from tests.e2e.fake_upstreams import FakeScout
from tests.e2e.harness import GENERAL, MODERATOR, OBSERVER, TEAM_GUILD, BotProcess
from tests.sky.helpers import meridian_ra, site

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

MANAGE_GUILD = 1 << 5
ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_GUILD


@pytest.fixture(scope="module", autouse=True)
def _bot_running(bot: BotProcess) -> None:
    """Every scenario here talks to the running bot."""


def place_objects_for_tonight(scout: FakeScout) -> None:
    """Three objects on Mt. Lemmon's meridian in the middle of its coming night, one that
    never rises there (Dec -80) and one too faint for the site (V 23.5)."""
    from bot.sky import tonight_window

    now = datetime.now(UTC)
    window = tonight_window(site("G96"), now)
    assert window is not None
    ra = meridian_ra(site("G96"), window.start + (window.end - window.start) / 2)
    hours, minutes = divmod(round(ra / 15 * 60) % 1440, 60)
    stamp = now.strftime("%Y-%m-%d %H:%M")
    common = {"ra": f"{hours:02d}:{minutes:02d}", "tEphem": stamp, "rate": "2.0"}
    for n, score in enumerate((99, 80, 60)):
        scout.add(f"Psky{n:03d}", dec="+30", Vmag="20.1", neoScore=score, **common)
    scout.add("Psouth1", dec="-80", Vmag="19.0", neoScore=100, **common)
    scout.add("Pfaint1", dec="+30", Vmag="23.5", neoScore=100, **common)
    scout.keep_only(["Psky000", "Psky001", "Psky002", "Psouth1", "Pfaint1"])


async def site_command(
    discord: FakeDiscord, command: str, *, permissions: int = ADMIN_PERMISSIONS, **options: object
) -> FakeMessage:
    interaction = await discord.slash(
        f"site {command}",
        guild_id=TEAM_GUILD,
        channel_id=GENERAL,
        user=MODERATOR,
        permissions=permissions,
        **options,
    )
    return await discord.answer(interaction)


async def test_the_code_autocompletes_with_the_mpcs_names(
    bot: BotProcess, fake_discord: FakeDiscord
) -> None:
    typing = await fake_discord.autocomplete(
        "site add", "code", "G96 Mt. Lemmon Survey", guild_id=TEAM_GUILD, channel_id=GENERAL
    )
    choices = await fake_discord.choices(typing)
    assert choices == [{"name": "G96 University of Arizona Mt. Lemmon Survey", "value": "G96"}]


async def test_without_manage_server_a_site_cannot_be_added(fake_discord: FakeDiscord) -> None:
    answer = await site_command(fake_discord, "add", permissions=MEMBER_PERMISSIONS, code="G96")
    assert answer.ephemeral
    assert "Manage Server" in answer.text


async def test_the_geocentre_is_refused_with_a_sentence(fake_discord: FakeDiscord) -> None:
    answer = await site_command(fake_discord, "add", code="500")
    assert answer.ephemeral and "500 is the centre of the Earth" in answer.text


async def test_site_add_g96_answers_with_where_it_is_and_tonights_window(
    fake_discord: FakeDiscord,
) -> None:
    answer = await site_command(
        fake_discord, "add", code="G96", name="Mt. Lemmon", limiting_vmag=21.5, fov_arcmin=60.0
    )
    assert answer.ephemeral
    assert "Site added: Mt. Lemmon (G96) ★ default" in answer.text
    assert "32.4427° N, 110.7887° W" in answer.text
    assert "Dark: " in answer.text


async def test_site_list_is_public_and_shows_the_dark_window(fake_discord: FakeDiscord) -> None:
    interaction = await fake_discord.slash(
        "site list", guild_id=TEAM_GUILD, channel_id=GENERAL, user=OBSERVER
    )
    answer = await fake_discord.answer(interaction)
    assert not answer.ephemeral
    assert "Mt. Lemmon (G96) ★ default" in answer.text and "UTC (" in answer.text


async def test_a_member_chooses_their_own_default_site(fake_discord: FakeDiscord) -> None:
    """Without Manage Server: /site mine shows, sets and refuses; /site list names it."""
    await site_command(fake_discord, "add", code="703", name="Catalina")
    shown = await site_command(fake_discord, "mine", permissions=MEMBER_PERMISSIONS)
    assert shown.ephemeral and "the server's, Mt. Lemmon (G96), is used" in shown.text
    chosen = await site_command(fake_discord, "mine", permissions=MEMBER_PERMISSIONS, code="703")
    assert chosen.ephemeral and "Your default site is now Catalina (703)" in chosen.text
    interaction = await fake_discord.slash(
        "site list", guild_id=TEAM_GUILD, channel_id=GENERAL, user=MODERATOR
    )
    assert "Your default: Catalina (703)" in (await fake_discord.answer(interaction)).text
    refused = await site_command(fake_discord, "mine", permissions=MEMBER_PERMISSIONS, code="F51")
    assert refused.ephemeral and "This server has no site F51" in refused.text


async def test_scout_tonight_ranks_what_mt_lemmon_can_reach(
    fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    place_objects_for_tonight(fake_scout)
    before = fake_scout.count()
    interaction = await fake_discord.slash(
        "scout tonight", guild_id=TEAM_GUILD, channel_id=GENERAL, user=OBSERVER
    )
    answer = await fake_discord.answer(interaction, within=30.0)
    assert DEFERRED_CHANNEL_MESSAGE in interaction.callback_types
    assert not answer.ephemeral
    text = answer.text
    assert "Tonight from Mt. Lemmon (G96)" in text
    order = [text.index(f"Psky{n:03d}") for n in range(3)]
    assert order == sorted(order)  # by priority: NEO 99, 80, 60
    assert "Psouth1" not in text and "Pfaint1" not in text.split("Left out")[0]
    assert "Left out: 1 too low, 1 too faint" in text
    # Ranking cost no request beyond the summary.
    assert {request.mode for request in fake_scout.since(before)} <= {"summary"}
    assert [button["label"] for button in answer.buttons] == ["Psky000", "Psky001", "Psky002"]


async def test_the_telescope_button_asks_scout_from_the_site_and_names_it(
    fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    interaction = await fake_discord.slash(
        "scout tonight", guild_id=TEAM_GUILD, channel_id=GENERAL, user=OBSERVER
    )
    listing = await fake_discord.answer(interaction, within=30.0)
    before = fake_scout.count()
    click = await fake_discord.click(listing, "Psky001", user=OBSERVER)
    answer = await fake_discord.answer(click, within=30.0)
    asked = [r for r in fake_scout.since(before) if r.mode == "ephemeris"]
    assert len(asked) == 1
    assert asked[0].query["obs-code"] == "G96" and asked[0].query["eph-step"] == "30m"
    assert "Ephemeris of Psky001 from Mt. Lemmon (G96)" in answer.text
    # A second press is the same question in the same Scout run: the cache answers it.
    again = await fake_discord.click(listing, "Psky001", user=OBSERVER)
    await fake_discord.answer(again, within=30.0)
    assert len([r for r in fake_scout.since(before) if r.mode == "ephemeris"]) == 1
