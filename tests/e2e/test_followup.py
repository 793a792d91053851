"""Follow-up from end to end: the status buttons of a new-object alert, pressed by three
members, the alert edited with the team's status (few edits for a burst), a restart in
between, and a press after the object has left the NEOCP.

The tests of this module build on each other (one bot process, one store), in file order.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import require_command
from tests.e2e.fake_discord import FakeDiscord, FakeMessage, FakeUser
from tests.e2e.fake_upstreams import FakeScout
from tests.e2e.harness import (
    ALERTS,
    GENERAL,
    MODERATOR,
    MODERATOR_PERMISSIONS,
    TEAM_GUILD,
    BotProcess,
    World,
)

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

MANAGE_GUILD = 1 << 5  # Manage Server, which /site add needs
ALICE = FakeUser(1190000000000000301, "Alice")
BOB = FakeUser(1190000000000000302, "Bob")
CAROL = FakeUser(1190000000000000303, "Carol")
BUTTONS = ["Targeting", "Found", "Not found", "Reported", "Undo"]


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    return {
        "E2E_ALLOW_FAST_POLLS": "1",
        "SCOUTBOT_ALERTS__ENABLED": "true",
        "SCOUTBOT_ALERTS__POLL_INTERVAL_SECONDS": "1",
        "SCOUTBOT_ALERTS__JITTER_SECONDS": "0",
        "SCOUTBOT_SCOUT__SUMMARY_TTL_SECONDS": "0",
    }


@pytest.fixture(scope="module", autouse=True)
def _commands_registered(bot: BotProcess, fake_discord: FakeDiscord) -> None:
    require_command(fake_discord, "alerts subscribe")
    require_command(fake_discord, "followup mine")


async def full_polls(scout: FakeScout, count: int = 1) -> None:
    await scout.wait_requests(scout.count("summary") + count + 1, mode="summary", within=30.0)


def alert_about(discord: FakeDiscord, designation: str) -> FakeMessage:
    [alert] = [
        m
        for m in discord.channel_messages(ALERTS)
        if designation in m.text and "is new on the NEOCP" in m.text
    ]
    return alert


def followup_field(message: FakeMessage) -> str:
    fields = message.embeds[0].get("fields", []) if message.embeds else []
    return next((f["value"] for f in fields if f["name"] == "Follow-up"), "")


async def press(discord: FakeDiscord, designation: str, label: str, user: FakeUser) -> str:
    answer = await discord.answer(
        await discord.click(alert_about(discord, designation), label, user=user)
    )
    assert answer.ephemeral, "a press is answered privately"
    return answer.text


async def test_a_new_objects_alert_carries_the_status_buttons(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout, world: World
) -> None:
    await full_polls(fake_scout)
    subscribed = await fake_discord.answer(
        await fake_discord.slash(
            "alerts subscribe",
            guild_id=TEAM_GUILD,
            channel_id=GENERAL,
            user=MODERATOR,
            permissions=MODERATOR_PERMISSIONS,
            channel=world.team.channels[ALERTS],
        )
    )
    assert subscribed.ephemeral
    if fake_discord.has_command("site add"):  # the server's site: every press names it
        added = await fake_discord.answer(
            await fake_discord.slash(
                "site add",
                guild_id=TEAM_GUILD,
                channel_id=GENERAL,
                user=MODERATOR,
                permissions=MODERATOR_PERMISSIONS | MANAGE_GUILD,
                code="G96",
                fov_arcmin=60.0,
            )
        )
        assert "G96" in added.text
    fake_scout.add("P99fol1", neoScore=97, Vmag=20.4, nObs=4)
    await fake_discord.wait_for(
        lambda: any("P99fol1" in m.text for m in fake_discord.channel_messages(ALERTS)),
        "the new object's alert",
    )
    alert = alert_about(fake_discord, "P99fol1")
    assert [b["label"] for b in alert.buttons] == BUTTONS


async def test_presses_by_three_members_show_on_the_alert_in_few_edits(
    bot: BotProcess, fake_discord: FakeDiscord
) -> None:
    alice = await press(fake_discord, "P99fol1", "Targeting", ALICE)
    assert "you are targeting P99fol1" in alice
    await press(fake_discord, "P99fol1", "Targeting", BOB)
    carol = await press(fake_discord, "P99fol1", "Found", CAROL)
    assert "Team: 2 targeting, found by Carol (G96)" in carol
    alert = alert_about(fake_discord, "P99fol1")
    await fake_discord.wait_for(
        lambda: followup_field(alert).count("\n") == 2, "the alert showing three members"
    )
    lines = followup_field(alert).splitlines()
    assert lines[0].startswith("🎯 Alice (G96) targeting")
    assert lines[1].startswith("🎯 Bob (G96) targeting")
    assert lines[2].startswith("✅ Carol (G96) found")
    assert alert.edits <= 2, "three presses in a burst: at most one edit now, one later"
    assert [b["label"] for b in alert.buttons] == BUTTONS, "the edit keeps the buttons"


async def test_pressing_the_same_status_again_is_refused_privately(
    bot: BotProcess, fake_discord: FakeDiscord
) -> None:
    again = await press(fake_discord, "P99fol1", "Targeting", ALICE)
    assert "already marked targeting" in again


async def test_followup_mine_lists_the_members_open_targets(
    bot: BotProcess, fake_discord: FakeDiscord
) -> None:
    answer = await fake_discord.answer(
        await fake_discord.slash(
            "followup mine", guild_id=TEAM_GUILD, channel_id=GENERAL, user=ALICE
        )
    )
    assert answer.ephemeral
    assert "P99fol1" in answer.text and "targeting" in answer.text


async def test_scout_object_and_list_show_the_teams_status(
    bot: BotProcess, fake_discord: FakeDiscord
) -> None:
    require_command(fake_discord, "scout object")
    shown = await fake_discord.answer(
        await fake_discord.slash(
            "scout object", guild_id=TEAM_GUILD, channel_id=GENERAL, designation="P99fol1"
        )
    )
    assert "👥 2 targeting, found by Carol (G96)" in shown.text
    page = await fake_discord.answer(
        await fake_discord.slash("scout list", guild_id=TEAM_GUILD, channel_id=GENERAL)
    )
    for _ in range(10):  # page on until the object's page
        if "P99fol1" in page.text or not page.buttons or page.buttons[-1].get("disabled"):
            break
        edits = page.edits
        await fake_discord.click(page, "Next ▶")
        await fake_discord.wait_for(lambda e=edits: page.edits == e + 1, "the page to turn")
    row = page.text[page.text.index("P99fol1 ·") :]
    assert row.splitlines()[4] == "👥 2 targeting, found by Carol (G96)", row[:400]


async def test_buttons_work_after_a_restart_and_undo_restores_the_status(
    bot: BotProcess, fake_discord: FakeDiscord
) -> None:
    await bot.restart()
    found = await press(fake_discord, "P99fol1", "Found", BOB)
    assert "you found P99fol1" in found
    alert = alert_about(fake_discord, "P99fol1")
    await fake_discord.wait_for(
        lambda: "✅ Bob (G96) found" in followup_field(alert), "Bob's Found on the alert"
    )
    undone = await press(fake_discord, "P99fol1", "Undo", BOB)
    assert "back to targeting" in undone
    await fake_discord.wait_for(
        lambda: "🎯 Bob (G96) targeting" in followup_field(alert), "Bob back to targeting"
    )


async def test_a_press_after_the_object_left_the_neocp_says_so(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    fake_scout.remove("P99fol1")
    await fake_discord.wait_for(
        lambda: any("has left the NEOCP" in m.text for m in fake_discord.channel_messages(ALERTS)),
        "the removal alert",
    )
    before = followup_field(alert_about(fake_discord, "P99fol1"))
    gone = await press(fake_discord, "P99fol1", "Reported", ALICE)
    assert "P99fol1 has left the NEOCP" in gone and "Nothing was recorded" in gone
    assert followup_field(alert_about(fake_discord, "P99fol1")) == before


async def test_the_log_shows_no_tracebacks(bot: BotProcess) -> None:
    assert bot.problems() == []
