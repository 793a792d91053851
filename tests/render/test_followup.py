"""How follow-up looks: the alert's buttons and Follow-up field, answers, /followup mine."""

from __future__ import annotations

import re
from datetime import timedelta

import discord

from bot.followup import FollowupStatus, TeamStatus
from bot.followup.buttons import STATUS_TEMPLATE, ButtonAction, object_key
from bot.render.followup import (
    FOLLOWUP_FIELD,
    MineWindows,
    add_team_field,
    add_team_lines,
    digest_menu_placeholder,
    followup_value,
    mine_embed,
    page_designations,
    press_answer,
    status_view,
    team_line,
    undo_answer,
    with_team,
)
from bot.sky import Visibility
from tests.followup.helpers import P21, T0, press


async def test_status_buttons_carry_the_object_and_are_not_kept_in_memory() -> None:
    view = status_view(P21, role_id=77)
    buttons = [item for item in view.children if isinstance(item, discord.ui.Button)]
    assert [b.label for b in buttons] == ["Targeting", "Found", "Not found", "Reported", "Undo"]
    for button, action in zip(buttons, ButtonAction, strict=True):
        assert button.custom_id is not None and len(button.custom_id) <= 100
        match = re.fullmatch(STATUS_TEMPLATE, button.custom_id)
        assert match is not None
        assert (match["action"], match["role"]) == (action.value, "77")
        assert object_key(match["designation"], match["seen"]) == P21
    # Stopped: discord.py sends its components but never stores it (the cog's dynamic
    # item answers the presses).
    assert view.is_finished()


def test_the_follow_up_field_is_added_replaced_and_removed() -> None:
    alert = discord.Embed(title="P21abcd is new on the NEOCP")
    alert.add_field(name="Scores (0-100)", value="NEO 98 · PHA 3")
    one = with_team(alert, TeamStatus.from_records([press("Alice", FollowupStatus.TARGETING)]))
    assert [f.name for f in one.fields] == ["Scores (0-100)", FOLLOWUP_FIELD]
    assert one.fields[1].value == "🎯 Alice (G96) targeting · 07:05 UTC"
    two = with_team(
        one,
        TeamStatus.from_records(
            [press("Alice", FollowupStatus.TARGETING), press("Bob", FollowupStatus.FOUND, 3)]
        ),
    )
    assert [f.name for f in two.fields] == ["Scores (0-100)", FOLLOWUP_FIELD]
    assert two.fields[1].value is not None and two.fields[1].value.count("\n") == 1
    assert [f.name for f in with_team(two, TeamStatus()).fields] == ["Scores (0-100)"]
    assert alert.fields[-1].name == "Scores (0-100)", "the original embed is left as it was"


def test_a_crowded_follow_up_field_stays_within_discords_limit() -> None:
    records = [
        press("Alice", FollowupStatus.TARGETING).model_copy(
            update={"member_id": n, "member_name": f"Observer number {n:03d} of the team"}
        )
        for n in range(60)
    ]
    value = followup_value(TeamStatus.from_records(records))
    assert value is not None and len(value) <= 1024
    assert value.endswith("more")


def test_member_names_cannot_format_or_mention() -> None:
    record = press("Alice", FollowupStatus.FOUND).model_copy(
        update={"member_name": "**Eve** @everyone"}
    )
    team = TeamStatus.from_records([record])
    line = team_line(team)
    assert line is not None
    assert "**Eve**" not in line and "@everyone" not in line


def test_answers_to_presses() -> None:
    record = press("Alice", FollowupStatus.TARGETING)
    team = TeamStatus.from_records([record, press("Bob", FollowupStatus.FOUND, 2)])
    assert press_answer(record, team) == (
        "Recorded: you are targeting P21abcd (as Alice (G96), 07:05 UTC).\n"
        "Team: 1 targeting, found by Bob (I41)."
    )
    found = press("Bob", FollowupStatus.NOT_FOUND)
    assert press_answer(found, team).startswith("Recorded: you could not find P21abcd")
    assert undo_answer("P21abcd", None, TeamStatus()) == (
        "Undone: you have no status on it now for P21abcd.\nTeam: nobody has a status on it."
    )


def test_followup_mine_lists_targets_with_the_team() -> None:
    record = press("Alice", FollowupStatus.TARGETING)
    embed = mine_embed([(record, TeamStatus.from_records([record]))])
    assert embed.description is not None
    assert "P21abcd" in embed.description and "team: 1 targeting" in embed.description
    assert "no open targets" in (mine_embed([]).description or "")


def window(start_minutes: int, end_minutes: int) -> Visibility:
    start = T0 + timedelta(minutes=start_minutes)
    return Visibility(
        designation="P21abcd",
        start=start,
        end=T0 + timedelta(minutes=end_minutes),
        best_altitude=62.4,
        best_time=start + timedelta(minutes=30),
        moon_distance=80.0,
        margin=0.0,
    )


def mine_text(windows: MineWindows) -> str:
    record = press("Alice", FollowupStatus.TARGETING)
    embed = mine_embed([(record, TeamStatus.from_records([record]))], windows)
    assert embed.description is not None
    return embed.description


def test_followup_mine_shows_each_window_at_the_members_site_in_utc() -> None:
    coming = MineWindows("G96", {P21: window(185, 395)}, T0, 24)
    line = mine_text(coming).splitlines()[1]
    assert line.startswith(" ↳ G96: up 10:10-13:40 UTC (<t:")
    assert line.endswith(":R>), highest 62° at 10:40")
    assert "G96: up now until 13:40 UTC (<t:" in mine_text(
        MineWindows("G96", {P21: window(-10, 395)}, T0, 24)
    )
    assert "G96: not up in the dark in the next 24 h" in mine_text(
        MineWindows("G96", {P21: None}, T0, 24)
    )
    assert "G96: no position" in mine_text(MineWindows("G96", {}, T0, 24))


def test_followup_mine_without_a_site_says_so_once() -> None:
    text = mine_text(MineWindows(None, {}, T0, 24))
    assert text.startswith("No site set for you or this server")
    assert "↳" not in text


def test_scout_object_gets_a_team_line_only_when_the_team_has_a_status() -> None:
    team = TeamStatus.from_records([press("Bob", FollowupStatus.FOUND)])
    embed = add_team_field(discord.Embed(title="P21abcd on the NEOCP"), team)
    assert [(f.name, f.value) for f in embed.fields] == [
        ("Team follow-up", "👥 found by Bob (I41)")
    ]
    assert add_team_field(discord.Embed(), TeamStatus()).fields == []
    assert add_team_field(discord.Embed(), None).fields == []


def test_a_list_page_gets_the_team_line_under_each_object_with_a_status() -> None:
    page = discord.Embed(title="Scout: NEOCP objects")
    page.add_field(name="P21abcd · NEO 98 · PHA 3 · rating 1", value="V 20.1")
    page.add_field(name="P21other · NEO 50 · PHA 0 · rating 0", value="V 21.0")
    team = TeamStatus.from_records([press("Alice", FollowupStatus.TARGETING)])
    assert page_designations(page) == ["P21abcd", "P21other"]
    ranked = discord.Embed()
    ranked.add_field(name="3. P21abcd · priority 80", value="up 02:10-05:40 UTC")
    assert page_designations(ranked) == ["P21abcd"]
    add_team_lines(page, {"P21abcd": team})
    assert page.fields[0].value == "V 20.1\n👥 1 targeting"
    assert page.fields[1].value == "V 21.0"


def test_a_full_list_page_is_not_pushed_over_discords_limit() -> None:
    page = discord.Embed(title="Scout: NEOCP objects", description="x" * 3960)
    page.add_field(name="P21abcd · NEO 98", value="y" * 1000)
    page.add_field(name="P21more · NEO 97", value="z" * 980)
    team = TeamStatus.from_records([press("Alice", FollowupStatus.TARGETING)])
    add_team_lines(page, {"P21abcd": team, "P21more": team})
    assert len(page) <= 6000
    assert page.fields[0].value == "y" * 1000, "a line that does not fit is left out"
    assert page.fields[1].value == "z" * 980


def test_digest_menus_say_which_part_they_cover_and_the_last_what_has_no_menu() -> None:
    assert digest_menu_placeholder(0, 20, 20) == "Record follow-up for…"
    assert digest_menu_placeholder(25, 25, 60) == "Record follow-up for… (26–50 of 60)"
    assert digest_menu_placeholder(100, 25, 125) == "Record follow-up for… (101–125 of 125)"
    last = digest_menu_placeholder(100, 25, 140)
    assert last == (
        "Record follow-up for… (101–125 of 140); 15 more have no menu (Discord's limit)"
    )
    assert len(last) <= 150  # Discord's placeholder limit
