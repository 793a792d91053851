"""Follow-up from end to end: the status buttons of a new-object alert, pressed by three
members, the alert edited with the team's status (few edits for a burst), a restart in
between, and a press after the object has left the NEOCP.

The tests of this module build on each other (one bot process, one store), in file order.
"""

from __future__ import annotations

import pytest

from tests.e2e.fake_discord import (
    CREATE_PUBLIC_THREADS,
    SEND_MESSAGES_IN_THREADS,
    FakeChannel,
    FakeDiscord,
    FakeMessage,
    FakeUser,
)
from tests.e2e.fake_upstreams import FakeScout
from tests.e2e.harness import (
    ALERTS,
    FAST_ALERTS_ENV,
    GENERAL,
    MODERATOR,
    MODERATOR_PERMISSIONS,
    TEAM_GUILD,
    BotProcess,
    World,
    build_world,
)
from tests.e2e.steps import as_moderator, full_polls

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

MANAGE_GUILD = 1 << 5  # Manage Server, which /site add needs
ALICE = FakeUser(1190000000000000301, "Alice")
BOB = FakeUser(1190000000000000302, "Bob")
CAROL = FakeUser(1190000000000000303, "Carol")
BUTTONS = ["Targeting", "Found", "Not found", "Reported", "Undo"]


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    return FAST_ALERTS_ENV


@pytest.fixture(scope="module")
def world(fake_discord: FakeDiscord) -> World:
    """The team's server, where the bot may open threads and post in them."""
    built = build_world(fake_discord)
    bot_role = built.team.role("scout-bot")
    bot_role.permissions |= CREATE_PUBLIC_THREADS | SEND_MESSAGES_IN_THREADS
    return built


def alert_about(discord: FakeDiscord, designation: str) -> FakeMessage:
    [alert] = [
        m
        for m in discord.channel_messages(ALERTS)
        if designation in m.text
        and ("is new on the NEOCP" in m.text or "the team's follow-up" in m.text)
    ]
    return alert


def thread_of(discord: FakeDiscord, designation: str) -> FakeChannel:
    [thread] = [t for t in discord.threads_in(ALERTS) if t.name.startswith(designation)]
    return thread


def thread_text(discord: FakeDiscord, thread: FakeChannel) -> str:
    return "\n".join(m.text for m in discord.channel_messages(thread.id))


def followup_field(message: FakeMessage) -> str:
    fields = message.embeds[0].get("fields", []) if message.embeds else []
    return next((f["value"] for f in fields if f["name"] == "Follow-up"), "")


async def alerts_list(discord: FakeDiscord) -> str:
    listed = await discord.answer(await as_moderator(discord, "alerts list"))
    return listed.text


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
        await as_moderator(fake_discord, "alerts subscribe", channel=world.team.channels[ALERTS])
    )
    assert subscribed.ephemeral
    # The server's site: every press names it.
    added = await fake_discord.answer(
        await as_moderator(
            fake_discord,
            "site add",
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


async def test_the_alert_opens_one_thread_named_for_the_object(
    bot: BotProcess, fake_discord: FakeDiscord
) -> None:
    await fake_discord.wait_for(lambda: fake_discord.threads_in(ALERTS), "the object's thread")
    thread = thread_of(fake_discord, "P99fol1")
    assert thread.id == alert_about(fake_discord, "P99fol1").id, "started from the alert"
    assert thread.name == "P99fol1 · NEO 97 · V 20.4"
    assert len(fake_discord.requests_to("POST /channels/*/messages/*/threads")) == 1


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
    thread = thread_of(fake_discord, "P99fol1")
    await fake_discord.wait_for(
        lambda: "Carol (G96) found P99fol1" in thread_text(fake_discord, thread),
        "the presses logged in the thread",
    )
    log = thread_text(fake_discord, thread)
    assert "Alice (G96) is targeting P99fol1, " in log and " UTC" in log
    assert "Bob (G96) is targeting P99fol1" in log


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
    assert "↳ G96: " in answer.text, "the window at the server's site"


async def test_scout_object_and_list_show_the_teams_status(
    bot: BotProcess, fake_discord: FakeDiscord
) -> None:
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


async def test_updates_go_into_the_thread_and_a_rising_rating_also_to_the_channel(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    thread = thread_of(fake_discord, "P99fol1")
    in_channel = len(fake_discord.channel_messages(ALERTS))
    fake_scout.update("P99fol1", nObs=9)
    await fake_discord.wait_for(
        lambda: "P99fol1 updated" in thread_text(fake_discord, thread), "the update in its thread"
    )
    fake_scout.update("P99fol1", rating=2, nObs=12)
    await fake_discord.wait_for(
        lambda: thread_text(fake_discord, thread).count("P99fol1 updated") == 2, "the second"
    )
    await fake_discord.wait_for(
        lambda: len(fake_discord.channel_messages(ALERTS)) == in_channel + 1, "the channel line"
    )
    [line] = fake_discord.channel_messages(ALERTS)[in_channel:]
    assert "P99fol1" in line.text and "rating" in line.text and f"<#{thread.id}>" in line.text


async def test_an_archived_thread_is_reopened_and_a_deleted_one_falls_back_to_the_channel(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    thread = thread_of(fake_discord, "P99fol1")
    await fake_discord.archive_thread(thread.id)
    fake_scout.update("P99fol1", nObs=15)
    await fake_discord.wait_for(
        lambda: thread_text(fake_discord, thread).count("P99fol1 updated") == 3,
        "the update in the reopened thread",
    )
    assert not thread.archived
    await fake_discord.delete_thread(thread.id)
    in_channel = len(fake_discord.channel_messages(ALERTS))
    fake_scout.update("P99fol1", nObs=20)
    await fake_discord.wait_for(
        lambda: any(
            "P99fol1 updated" in m.text for m in fake_discord.channel_messages(ALERTS)[in_channel:]
        ),
        "the update in the channel",
    )
    assert len(fake_discord.requests_to("POST /channels/*/messages/*/threads")) == 1
    assert "🟢 active" in await alerts_list(fake_discord), "a gone thread stops no alerts"


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


async def test_a_crash_between_opening_a_thread_and_recording_it_opens_no_second(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    threads_route = "POST /channels/*/messages/*/threads"
    tried = len(fake_discord.requests_to(threads_route))
    held = fake_discord.hold(threads_route)
    fake_scout.add("P99fol2", neoScore=99, Vmag=19.9)
    await fake_discord.wait_for(lambda: held.hits == 1, "the thread to reach Discord")
    await bot.crash()  # Discord made the thread; the bot never heard of it
    held.released.set()

    await bot.start()
    await full_polls(fake_scout, 3)
    alerts = [m for m in fake_discord.channel_messages(ALERTS) if "P99fol2 is new" in m.text]
    assert len(alerts) == 1, "the alert is posted once"
    thread = thread_of(fake_discord, "P99fol2")
    assert len(fake_discord.requests_to(threads_route)) == tried + 1, "no second thread asked for"
    await press(fake_discord, "P99fol2", "Targeting", ALICE)
    await fake_discord.wait_for(
        lambda: "Alice (G96) is targeting P99fol2" in thread_text(fake_discord, thread),
        "the press logged in the recovered thread",
    )


async def test_a_thread_closed_to_the_bot_falls_back_to_the_channel_and_alerts_go_on(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout, world: World
) -> None:
    thread = thread_of(fake_discord, "P99fol2")
    bot_role = world.team.role("scout-bot")
    bot_role.permissions &= ~SEND_MESSAGES_IN_THREADS  # a moderator's change: 403 in threads
    try:
        in_channel = len(fake_discord.channel_messages(ALERTS))
        fake_scout.update("P99fol2", nObs=9)
        await fake_discord.wait_for(
            lambda: any(
                "P99fol2 updated" in m.text
                for m in fake_discord.channel_messages(ALERTS)[in_channel:]
            ),
            "the update in the channel",
        )
        assert "P99fol2 updated" not in thread_text(fake_discord, thread)
        assert "🟢 active" in await alerts_list(fake_discord)
        fake_scout.add("P99fol3", neoScore=90, Vmag=21.0)
        await fake_discord.wait_for(
            lambda: any("P99fol3" in m.text for m in fake_discord.channel_messages(ALERTS)),
            "the next alert in the same channel",
        )
    finally:
        bot_role.permissions |= SEND_MESSAGES_IN_THREADS


async def test_a_digest_offers_follow_up_and_the_first_press_posts_the_objects_card(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    fake_scout.add("P99dg01", neoScore=88, Vmag=21.2)
    fake_scout.add("P99dg02", neoScore=86, Vmag=21.4)
    fake_scout.add("P99dg03", neoScore=84, Vmag=21.6)
    await fake_discord.wait_for(
        lambda: [m for m in fake_discord.channel_messages(ALERTS) if "P99dg01" in m.text],
        "the digest",
    )
    [digest] = [m for m in fake_discord.channel_messages(ALERTS) if "P99dg01" in m.text]
    assert "P99dg02" in digest.text and "P99dg03" in digest.text, "one message for the three"
    [menu] = digest.selects
    assert menu["placeholder"] == "Record follow-up for…"
    option = next(o for o in menu["options"] if o["label"].startswith("P99dg02"))
    chosen = await fake_discord.answer(await fake_discord.choose(digest, option["value"], user=BOB))
    assert chosen.ephemeral and "P99dg02" in chosen.text
    assert [b["label"] for b in chosen.buttons] == BUTTONS
    in_channel = len(fake_discord.channel_messages(ALERTS))
    recorded = await fake_discord.answer(await fake_discord.click(chosen, "Targeting", user=BOB))
    assert "you are targeting P99dg02" in recorded.text
    await fake_discord.wait_for(
        lambda: len(fake_discord.channel_messages(ALERTS)) > in_channel, "the object's card"
    )
    card = alert_about(fake_discord, "P99dg02")
    assert "P99dg02: the team's follow-up" in card.text and "First listed in a digest" in card.text
    assert [b["label"] for b in card.buttons] == BUTTONS
    await fake_discord.wait_for(
        lambda: "🎯 Bob (G96) targeting" in followup_field(card), "the team's status on it"
    )
    await fake_discord.wait_for(
        lambda: [t for t in fake_discord.threads_in(ALERTS) if t.name.startswith("P99dg02")],
        "the thread of the object acted on",
    )
    assert not [t for t in fake_discord.threads_in(ALERTS) if t.name.startswith("P99dg01")]
    # A second press from the menu uses the card, it posts no second one.
    again = await fake_discord.answer(
        await fake_discord.choose(digest, option["value"], user=ALICE)
    )
    await fake_discord.answer(await fake_discord.click(again, "Found", user=ALICE))
    await fake_discord.wait_for(
        lambda: "✅ Alice (G96) found" in followup_field(card), "Alice's status on the card"
    )
    assert (
        len([m for m in fake_discord.channel_messages(ALERTS) if "P99dg02: the team's" in m.text])
        == 1
    )


async def test_a_significant_object_of_a_busy_cycle_gets_its_own_alert_and_thread(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    fake_scout.add("P99sg01", neoScore=90, Vmag=21.0)
    fake_scout.add("P99sg02", neoScore=95, Vmag=20.5, phaScore=40, rating=1)
    fake_scout.add("P99sg03", neoScore=80, Vmag=21.8)
    await fake_discord.wait_for(
        lambda: [m for m in fake_discord.channel_messages(ALERTS) if "P99sg01" in m.text],
        "the digest",
    )
    [digest] = [m for m in fake_discord.channel_messages(ALERTS) if "P99sg01" in m.text]
    assert "P99sg03" in digest.text and "P99sg02" not in digest.text
    assert all("P99sg02" not in o["label"] for menu in digest.selects for o in menu["options"])
    alert = alert_about(fake_discord, "P99sg02")
    assert [b["label"] for b in alert.buttons] == BUTTONS
    await fake_discord.wait_for(
        lambda: [t for t in fake_discord.threads_in(ALERTS) if t.name.startswith("P99sg02")],
        "the significant object's thread, before anyone acts on it",
    )
    assert not [t for t in fake_discord.threads_in(ALERTS) if t.name.startswith("P99sg01")]


async def test_alerts_forget_removes_the_servers_data_after_a_confirmation(
    bot: BotProcess, fake_discord: FakeDiscord
) -> None:
    admin = MODERATOR_PERMISSIONS | MANAGE_GUILD
    question = await fake_discord.answer(
        await fake_discord.slash(
            "alerts forget",
            guild_id=TEAM_GUILD,
            channel_id=GENERAL,
            user=MODERATOR,
            permissions=admin,
        )
    )
    assert question.ephemeral and "cannot be undone" in question.text
    assert "🟢 active" in await alerts_list(fake_discord), "nothing removed before the press"
    edits = question.edits
    await fake_discord.click(question, "Remove everything", user=MODERATOR, permissions=admin)
    await fake_discord.wait_for(lambda: question.edits == edits + 1, "the answer")
    assert question.text.startswith("Removed: 1 alert subscription, ")
    assert "follow-up statuses" in question.text and "1 site" in question.text
    assert question.buttons == []
    assert "No channel gets alerts yet" in await alerts_list(fake_discord)
    mine = await fake_discord.answer(
        await fake_discord.slash(
            "followup mine", guild_id=TEAM_GUILD, channel_id=GENERAL, user=ALICE
        )
    )
    assert "no open targets" in mine.text


async def test_the_log_shows_no_tracebacks(bot: BotProcess) -> None:
    assert bot.problems() == []
