"""/scout, through Discord, against the fake Scout: every subcommand's answer, its refusals
before any upstream call, its buttons (still working after the bot restarts) and
autocomplete, and Scout's failures answered privately without a traceback."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.fake_discord import (
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE_MESSAGE,
    FakeDiscord,
    FakeMessage,
    FakeUser,
)
from tests.e2e.fake_upstreams import Failure, FakeScout
from tests.e2e.harness import GENERAL, MODERATOR, OBSERVER, TEAM_GUILD, BotProcess
from tests.e2e.steps import SCENARIOS_THAT_BREAK_SCOUT, scout

pytestmark = SCENARIOS_THAT_BREAK_SCOUT

KNOWN = "A11EBEK"  # in the recorded summary; its orbits are the recorded ones
UNKNOWN = "Q9ZZZZZ"  # a well-formed designation Scout does not know


async def refused(
    discord: FakeDiscord, scout_api: FakeScout, command: str, **options: object
) -> str:
    """Run a command that must be refused: privately, at once, and with nothing sent to Scout."""
    before = scout_api.count()
    interaction = await scout(discord, command, **options)
    answer = await discord.answer(interaction)
    assert answer.ephemeral, f"a refusal is private: {answer.text!r}"
    assert DEFERRED_CHANNEL_MESSAGE not in interaction.callback_types, "refused before deferring"
    assert scout_api.count() == before, "a bad argument must not reach Scout"
    return answer.text


async def failed(
    discord: FakeDiscord, command: str, within: float = 15.0, **options: object
) -> FakeMessage:
    """Run a command whose upstream call fails: a private answer, the public placeholder gone."""
    interaction = await scout(discord, command, **options)
    answer = await discord.answer(interaction, within=within)
    assert answer.ephemeral, f"an upstream failure is answered privately: {answer.text!r}"
    original = discord.messages[interaction.original_id] if interaction.original_id else None
    assert original is None or original.deleted or original.ephemeral, (
        "no public 'thinking...' left"
    )
    return answer


# --------------------------------------------------------------------------- list


async def test_list_pages_through_the_neocp_with_buttons(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    mark = fake_scout.count()
    interaction = await scout(fake_discord, "list", sort="neo")
    page = await fake_discord.answer(interaction)
    assert DEFERRED_CHANNEL_MESSAGE in interaction.callback_types
    assert not page.ephemeral
    assert KNOWN in page.text
    assert [r.mode for r in fake_scout.since(mark)] == ["summary"]
    first_page = page.text
    assert "Next ▶" in [b.get("label") for b in page.buttons]

    await fake_discord.click(page, "Next ▶", user=OBSERVER)
    await fake_discord.wait_for(lambda: page.edits == 1, "the page to turn")
    assert page.text != first_page and "2/" in page.text


async def test_list_opens_at_the_page_of_the_object_typed(
    bot: BotProcess, fake_discord: FakeDiscord
) -> None:
    page = await fake_discord.answer(await scout(fake_discord, "list", find=KNOWN.lower()))
    assert f"{KNOWN} · rating" in page.text
    counter = next(b["label"] for b in page.buttons if b.get("disabled") and "/" in b["label"])
    assert f"Page {counter}" in page.text
    assert "rated 1 or more" in page.text  # the default order leads with the rating


async def test_only_the_asker_can_page_the_list(bot: BotProcess, fake_discord: FakeDiscord) -> None:
    interaction = await scout(fake_discord, "list")
    page = await fake_discord.answer(interaction)
    click = await fake_discord.click(page, "Next ▶", user=MODERATOR)
    answer = await fake_discord.answer(click)
    assert answer.ephemeral
    assert "/scout list" in answer.text
    assert page.edits == 0


async def test_list_filters_and_sorts(bot: BotProcess, fake_discord: FakeDiscord) -> None:
    interaction = await scout(
        fake_discord, "list", sort="pha", min_neo_score=90, max_vmag=19.3, limit=5
    )
    page = await fake_discord.answer(interaction)
    assert not page.ephemeral
    assert KNOWN in page.text  # NEO 100, PHA 3, V 19.2


async def test_designations_autocomplete_from_the_scout_list(
    bot: BotProcess, fake_discord: FakeDiscord
) -> None:
    await fake_discord.answer(await scout(fake_discord, "list"))  # the list is now known
    typing = await fake_discord.autocomplete(
        "scout object", "designation", "A11E", guild_id=TEAM_GUILD, channel_id=GENERAL
    )
    choices = await fake_discord.choices(typing)
    values = [choice["value"] for choice in choices]
    assert KNOWN in values
    assert all(value.startswith("A11E") for value in values)
    assert len(choices) <= 25


# --------------------------------------------------------------------------- object


async def test_object_shows_the_record_with_links_and_buttons(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    answer = await fake_discord.answer(await scout(fake_discord, "object", designation=KNOWN))
    assert not answer.ephemeral
    assert KNOWN in answer.text
    assert "H 22.5" in answer.text and "V 19.2" in answer.text  # the recorded row
    labels = {b.get("label") for b in answer.buttons}
    assert {"Ephemeris", "Plots", "Orbits", "Observations"} <= labels
    serialized = str(answer.embeds)
    assert "cneos.jpl.nasa.gov/scout" in serialized and "minorplanetcenter" in serialized


async def test_the_objects_orbits_button_answers_like_the_command(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    record = await fake_discord.answer(await scout(fake_discord, "object", designation=KNOWN))
    mark = fake_scout.count()
    click = await fake_discord.click(record, "Orbits")
    answer = await fake_discord.answer(click)
    assert any(r.query.get("orbits") in ("1", "true") for r in fake_scout.since(mark))
    assert answer.file(".csv").text.count("\n") >= 50  # the 50 recorded orbits and a header


async def test_object_refuses_what_is_no_designation(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    text = await refused(fake_discord, fake_scout, "object", designation="not a designation!")
    assert "NEOCP designation" in text


async def test_an_object_scout_does_not_know_is_answered_privately(
    bot: BotProcess, fake_discord: FakeDiscord
) -> None:
    answer = await failed(fake_discord, "object", designation=UNKNOWN)
    assert UNKNOWN in answer.text


# --------------------------------------------------------------------------- ephemeris, fov


async def test_ephemeris_gives_a_table_and_a_csv_of_every_column(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    interaction = await scout(
        fake_discord,
        "ephemeris",
        designation=KNOWN,
        start=start.strftime("%Y-%m-%d %H:%M:%S"),
        stop=(start + timedelta(hours=4)).strftime("%Y-%m-%d %H:%M:%S"),
        step="1h",
        obs_code="I41",
    )
    answer = await fake_discord.answer(interaction)
    query = fake_scout.requests[-1].query
    assert query["tdes"] == KNOWN and query["obs-code"] == "I41" and query["eph-step"] == "1h"
    assert not answer.ephemeral
    rows = list(csv.reader(io.StringIO(answer.file(".csv").text)))
    assert len(rows) >= 1 + 5  # a header and the five times


async def test_ephemeris_refuses_bad_times_and_steps(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    now = datetime.now(UTC)
    await refused(fake_discord, fake_scout, "ephemeris", designation=KNOWN, start="yesterday-ish")
    far = (now + timedelta(days=60)).strftime("%Y-%m-%d %H:%M:%S")
    await refused(fake_discord, fake_scout, "ephemeris", designation=KNOWN, start=far)
    later = (now + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S")
    earlier = (now + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
    await refused(
        fake_discord, fake_scout, "ephemeris", designation=KNOWN, start=later, stop=earlier
    )
    await refused(fake_discord, fake_scout, "ephemeris", designation=KNOWN, stop=later, step="5x")


async def test_fov_gives_the_odds_of_finding_the_object(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    mark = fake_scout.count()
    answer = await fake_discord.answer(
        await scout(fake_discord, "fov", designation=KNOWN, diameter=30.0)
    )
    assert [r.query.get("fov-diam") for r in fake_scout.since(mark)] in (["30"], ["30.0"])
    # The sampled positions come in the same request: they size a field that reaches 90 %.
    assert [r.query.get("orbits") for r in fake_scout.since(mark)] == ["1"]
    assert not answer.ephemeral
    assert "87" in answer.text or "88" in answer.text  # the fake's 87.5 %


async def test_fov_refuses_a_centre_given_by_half(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    await refused(fake_discord, fake_scout, "fov", designation=KNOWN, diameter=30.0, ra="12:00:00")


# ------------------------------------------------------------------ plots, orbits, observations


async def test_plots_come_as_png_attachments(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    interaction = await scout(fake_discord, "plots", designation=KNOWN, kinds="el")
    answer = await fake_discord.answer(interaction)
    assert "el" in fake_scout.requests[-1].query.get("plot", "")
    pngs = [
        m for m in fake_discord.answers(interaction) for f in m.files if f.filename.endswith(".png")
    ]
    assert pngs, f"no PNG in {[f.filename for f in answer.files]}"
    assert answer.file(".png").data.startswith(b"\x89PNG")


async def test_orbits_give_the_spread_and_a_csv(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    answer = await fake_discord.answer(
        await scout(fake_discord, "orbits", designation=KNOWN, count=50)
    )
    assert fake_scout.requests[-1].query.get("n-orbits") == "50"
    assert not answer.ephemeral
    assert len(list(csv.reader(io.StringIO(answer.file(".csv").text)))) == 51


async def test_observations_come_as_a_text_file(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    answer = await fake_discord.answer(await scout(fake_discord, "observations", designation=KNOWN))
    assert fake_scout.requests[-1].query.get("file") == "mpc"
    assert KNOWN in answer.file(".txt").text


# --------------------------------------------------------------------------- Scout failing


@pytest.mark.parametrize(
    ("failure", "designation"),
    [
        # A different object each time: the bot may answer a known one from its cache.
        (Failure.OVERLOADED, "P12nXcA"),
        (Failure.SERVER_ERROR, "P12nXce"),
        (Failure.TRUNCATED, "P12o0Y1"),
        (Failure.OTHER_VERSION, "P12o0YY"),
    ],
)
async def test_a_failing_scout_gets_a_clear_private_answer(
    bot: BotProcess,
    fake_discord: FakeDiscord,
    fake_scout: FakeScout,
    failure: Failure,
    designation: str,
) -> None:
    fake_scout.fail(failure, times=None)
    # /scout object may be answered from the cached list; the observations need Scout.
    answer = await failed(fake_discord, "observations", designation=designation)
    assert "Scout" in answer.text
    assert "Traceback" not in answer.text


async def test_a_hanging_scout_is_given_up_on_in_time(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    fake_scout.fail(Failure.HANG, times=None)
    answer = await failed(fake_discord, "orbits", designation="A11EpSe", within=40.0)
    assert "Scout" in answer.text


async def test_the_log_shows_no_tracebacks(bot: BotProcess) -> None:
    assert bot.problems() == []


# --------------------------------------------------------------------------- buttons and restarts


async def turned(discord: FakeDiscord, page: FakeMessage, label: str, user: FakeUser) -> None:
    """Press a pager button and wait for the page to change in place."""
    edits = page.edits
    click = await discord.click(page, label, user=user)
    await discord.wait_for(lambda: page.edits > edits, f"{label!r} to turn the page")
    # Acknowledged without a new message, then the list message edited.
    assert click.callback_types == [DEFERRED_UPDATE_MESSAGE]
    assert click.followup_ids == []


async def test_object_buttons_still_answer_after_a_restart(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    record = await fake_discord.answer(await scout(fake_discord, "object", designation=KNOWN))
    await bot.restart()
    mark = fake_scout.count()
    click = await fake_discord.click(record, "Orbits", user=MODERATOR)  # anyone may press
    answer = await fake_discord.answer(click)
    assert not answer.ephemeral
    assert any(r.query.get("tdes") == KNOWN for r in fake_scout.since(mark))
    assert answer.file(".csv").text.count("\n") >= 50
    click = await fake_discord.click(record, "Observations")
    assert KNOWN in (await fake_discord.answer(click)).file(".txt").text


async def test_the_list_pages_on_after_a_restart_for_its_owner_only(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    page = await fake_discord.answer(await scout(fake_discord, "list", sort="vmag", limit=20))
    assert "1/3" in page.text
    await turned(fake_discord, page, "Next ▶", OBSERVER)
    second = page.text
    await bot.restart()

    await turned(fake_discord, page, "Next ▶", OBSERVER)
    assert "3/3" in page.text and "Page 3/3" in page.text
    assert "V, brightest first" in page.text  # the command's options, kept in the buttons
    assert {b["label"]: b.get("disabled", False) for b in page.buttons} == {
        "◀ Previous": False,
        "3/3": True,
        "Next ▶": True,
        "Jump…": False,
    }
    await turned(fake_discord, page, "◀ Previous", OBSERVER)
    assert page.text == second

    edits = page.edits
    click = await fake_discord.click(page, "Next ▶", user=MODERATOR)
    refusal = await fake_discord.answer(click)
    assert refusal.ephemeral and f"<@{OBSERVER.id}>" in refusal.text
    assert page.edits == edits


async def test_a_button_press_scout_fails_is_answered_privately(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    record = await fake_discord.answer(
        await scout(fake_discord, "object", designation="P12o2DL"), within=15.0
    )
    fake_scout.fail(Failure.SERVER_ERROR, times=None)
    click = await fake_discord.click(record, "Observations")
    answer = await fake_discord.answer(click, within=15.0)
    assert answer.ephemeral and "Scout" in answer.text
    original = fake_discord.messages[click.original_id] if click.original_id else None
    assert original is None or original.deleted, "no public 'thinking...' left"


async def test_the_log_shows_no_tracebacks_after_the_button_scenarios(bot: BotProcess) -> None:
    assert bot.problems() == []


# --------------------------------------------------------------------------- hostile data


async def test_an_oversized_hostile_record_is_shown_escaped_within_discords_limits(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    """A record with a 5000-character name and position, with markup and a mass mention:
    the fake Discord refuses anything over a limit (400, 50035), as Discord does."""
    hostile = "**P21** @everyone [link](http://example.com) " + "X" * 5000
    fake_scout.records["P21HUGE"] = {
        **fake_scout.record(KNOWN),  # type: ignore[dict-item]
        "objectName": hostile,
        "ra": "1" * 5000,
        "dec": "+" * 5000,
    }
    answer = await fake_discord.answer(await scout(fake_discord, "object", designation="P21HUGE"))
    assert not answer.ephemeral
    assert fake_discord.refused == []
    (embed,) = answer.embeds
    assert "@everyone" not in embed["title"] and r"\*\*P21\*\*" in embed["title"]
    # The buttons repeat the question asked, whose name fits a custom_id.
    assert {b["custom_id"] for b in answer.buttons} >= {"scout:obj:orbits:P21HUGE"}


async def test_a_forged_page_number_in_a_list_button_gets_a_private_answer(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    page = await fake_discord.answer(await scout(fake_discord, "list", limit=20))
    next_id = next(b["custom_id"] for b in page.buttons if b.get("label") == "Next ▶")
    owner, _, rest = next_id.removeprefix("scout:list:").partition(":")
    forged = f"scout:list:{owner}:12345:{rest.partition(':')[2]}"
    for button in page.buttons:
        if button.get("label") == "Next ▶":
            button["custom_id"] = forged  # what a modified client would send
    click = await fake_discord.click(page, custom_id=forged, user=OBSERVER)
    answer = await fake_discord.answer(click)
    assert answer.ephemeral and "out of date" in answer.text
