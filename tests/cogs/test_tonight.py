"""/scout tonight and its buttons, against a real store, spec'd Discord mocks and a fake
Scout whose objects are placed on the sky relative to the test's own 'now'."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import discord
import pytest

from bot.errors import InvalidInput
from bot.scout.models import Summary
from bot.sky import TonightSort, tonight_window
from bot.store import Store
from cogs.scout import DYNAMIC_ITEMS, Scout
from cogs.scout.object_buttons import ObjectButton, ObjectMode, object_custom_id
from cogs.scout.tonight import (
    PagerRole,
    SiteEphemerisButton,
    TonightOptions,
    TonightPageButton,
    ephemeris_custom_id,
    tonight_custom_id,
)
from tests.helpers import (
    make_interaction,
    make_member,
    message_showing,
    press_button,
    submit_form,
)
from tests.recorded import ephemeris
from tests.sky.helpers import meridian_ra, placed, site

GUILD = 111


def night_middle(now: datetime) -> datetime:
    window = tonight_window(site("G96"), now)
    assert window is not None
    return window.start + (window.end - window.start) / 2


def sky_for_tonight(now: datetime, count: int = 3) -> Summary:
    """``count`` objects transiting at Mt. Lemmon in the middle of its coming night, plus one
    that never rises there and one too faint for the site."""
    middle = night_middle(now)
    ra = meridian_ra(site("G96"), middle)
    up = [
        placed(f"Pup{n:04d}", ra, 30, at=now, neoScore=100 - n, Vmag="20.0", unc="3.2", uncP1="40")
        for n in range(count)
    ]
    never = placed("Psouth1", ra, -80, at=now)
    faint = placed("Pfaint1", ra, 30, at=now, Vmag="23.5")
    return Summary(data=[*up, never, faint])


@pytest.fixture
def scout(scout: Any) -> Any:
    scout.summary.return_value = sky_for_tonight(datetime.now(UTC))
    scout.ephemeris.return_value = ephemeris()
    return scout


@pytest.fixture
def bot(bot: Any, store: Store) -> Any:
    bot.store = store
    return bot


async def lemmon(store: Store, **changes: Any) -> None:
    await store.save_site(
        GUILD, site("G96", name="Mt. Lemmon", limiting_vmag=21.5, fov_arcmin=60, **changes), by=1
    )


async def tonight_at_lemmon(cog: Scout, bot: Any, store: Store) -> Any:
    """The message /scout tonight posts for a server whose one site is Mt. Lemmon."""
    await lemmon(store)
    return message_showing(sent(await run_tonight(cog, bot))["view"])


async def run_tonight(cog: Scout, bot: Any, owner: Any = None, **options: Any) -> Any:
    used = make_interaction(client=bot, user=owner or make_member())
    arguments = {"site": None, "min_altitude": None, "max_vmag": None, "sort": "priority"}
    await Scout.tonight.callback(cog, used, **{**arguments, **options})
    return used


def sent(used: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = used.followup.send.await_args.kwargs
    return kwargs


def labels(view: discord.ui.View) -> list[str | None]:
    return [
        child.item.label if isinstance(child, discord.ui.DynamicItem) else None
        for child in view.children
    ]


async def test_without_a_default_site_it_says_how_to_get_one(
    cog: Scout, bot: Any, scout: Any
) -> None:
    with pytest.raises(InvalidInput, match="no default site"):
        await run_tonight(cog, bot)
    scout.summary.assert_not_awaited()


async def test_a_site_the_server_lacks_is_refused_before_scout_is_asked(
    cog: Scout, bot: Any, store: Store, scout: Any
) -> None:
    await lemmon(store)
    with pytest.raises(InvalidInput, match="no site F51"):
        await run_tonight(cog, bot, site="F51")
    scout.summary.assert_not_awaited()


async def test_the_answer_ranks_what_the_default_site_can_reach(
    cog: Scout, bot: Any, store: Store
) -> None:
    await lemmon(store)
    used = await run_tonight(cog, bot)
    used.response.defer.assert_awaited_once_with(thinking=True)
    embed = sent(used)["embed"]
    assert embed.title == "Tonight from Mt. Lemmon (G96)"
    # The sky is built around the real clock, and late in the night the closing window
    # adds to every priority: the ranking is pinned, the figures only where they must be.
    ranked = [re.fullmatch(r"(\d)\. (\w+) · priority (\d+)", f.name) for f in embed.fields]
    assert [(m[1], m[2]) for m in ranked if m] == [
        ("1", "Pup0000"),
        ("2", "Pup0001"),
        ("3", "Pup0002"),
    ]
    priorities = [int(m[3]) for m in ranked if m]
    assert priorities == sorted(priorities, reverse=True) and priorities[0] >= 132
    first = embed.fields[0].value
    # Dec +30° on the meridian mid-night culminates near 88° at Mt. Lemmon (32.4° N); the
    # sky is sampled from the real clock, so the run's minute decides between 87° and 88°.
    highest = re.search(r" UTC, highest (\d+)° at", first)
    assert first.startswith("Up ") and highest is not None and int(highest[1]) >= 85
    assert "V 20.0 · 1.0″/min · Moon" in first
    assert "1σ 3.2′ → 40′ in 1 d (field 60′)" in first
    # NEO 100, PHA 3/2, tomorrow's 40' in a 60' field, 1.5 mag under the limit.
    explained = first.splitlines()[-1]
    assert explained.startswith("NEO 100 + PHA 2 + 1σ 20 + ") and "V 10" in explained
    assert explained.endswith(f"= {priorities[0]}")
    assert "3 of 5 NEOCP objects reach above 25°, V ≤ 21.5 in the dark" in embed.description
    assert "Priority = NEO score" in embed.description
    assert "Left out: 1 too low, 1 too faint" in embed.footer.text
    view = sent(used)["view"]
    assert labels(view) == ["Pup0000", "Pup0001", "Pup0002"]  # one page: no pager


async def test_the_commands_options_override_the_sites_limits(
    cog: Scout, bot: Any, store: Store
) -> None:
    await lemmon(store)
    used = await run_tonight(cog, bot, max_vmag=24.0, sort="vmag")
    embed = sent(used)["embed"]
    assert len(embed.fields) == 4 and embed.fields[-1].name.startswith("4. Pfaint1")
    assert "brightest first" in embed.description


async def test_many_objects_are_paged_and_only_the_owner_pages(
    cog: Scout, bot: Any, store: Store, scout: Any
) -> None:
    await lemmon(store)
    scout.summary.return_value = sky_for_tonight(datetime.now(UTC), count=20)
    owner = make_member(name="ada")
    used = await run_tonight(cog, bot, owner)
    view = sent(used)["view"]
    assert labels(view)[-4:] == ["◀ Previous", "1/3", "Next ▶", "Jump…"]
    assert len(labels(view)) == 8 + 4
    message = message_showing(view)
    press = make_interaction(
        client=bot, user=owner, kind=discord.InteractionType.component, message=message
    )
    await press_button(press, "Next ▶", DYNAMIC_ITEMS)
    edit = press.edit_original_response.await_args.kwargs
    assert edit["embed"].fields[0].name.startswith("9. Pup0008")
    assert edit["embed"].footer.text.startswith("Page 2/3")
    stranger = make_interaction(
        client=bot, user=make_member(), kind=discord.InteractionType.component, message=message
    )
    await press_button(stranger, "Next ▶", DYNAMIC_ITEMS)
    stranger.edit_original_response.assert_not_awaited()
    assert "can page this list" in stranger.response.send_message.await_args.args[0]


async def test_the_telescope_button_asks_scout_for_the_sites_night_once_per_question(
    cog: Scout, bot: Any, store: Store, scout: Any
) -> None:
    message = await tonight_at_lemmon(cog, bot, store)
    queries = []
    for _ in range(2):
        press = make_interaction(
            client=bot, kind=discord.InteractionType.component, message=message
        )
        await press_button(press, "Pup0001", DYNAMIC_ITEMS)
        queries.append(scout.ephemeris.await_args.args[0])
        reply = press.followup.send.await_args.kwargs
        assert reply["embeds"][0].title.endswith("from Mt. Lemmon (G96)")
    first = queries[0]
    assert first.designation == "Pup0001" and first.obs_code == "G96" and first.step == "30m"
    window = tonight_window(site("G96"), datetime.now(UTC))
    assert window is not None and first.start is not None and first.stop is not None
    assert first.start <= window.start and first.stop >= window.end
    # The same question both times: the client's cache (keyed to lastRun) answers the second.
    assert queries[0].params() == queries[1].params()


async def test_the_telescope_button_of_a_removed_site_says_so(
    cog: Scout, bot: Any, store: Store, scout: Any
) -> None:
    message = await tonight_at_lemmon(cog, bot, store)
    await store.remove_site(GUILD, "G96")
    press = make_interaction(client=bot, kind=discord.InteractionType.component, message=message)
    await press_button(press, "Pup0000", DYNAMIC_ITEMS)
    scout.ephemeris.assert_not_awaited()
    assert "no site G96" in press.response.send_message.await_args.args[0]


async def test_scout_ephemeris_defaults_to_the_servers_site_and_names_it(
    cog: Scout, bot: Any, store: Store, scout: Any
) -> None:
    await lemmon(store)
    used = make_interaction(client=bot)
    await Scout.ephemeris.callback(
        cog, used, "P21abcd", start="now", stop=None, step=None, obs_code=None, ranges=False
    )
    assert scout.ephemeris.await_args.args[0].obs_code == "G96"
    assert used.followup.send.await_args.kwargs["embeds"][0].title.endswith("from Mt. Lemmon (G96)")


async def test_scout_fov_defaults_to_the_servers_site_as_its_help_says(
    cog: Scout, bot: Any, store: Store, scout: Any
) -> None:
    await lemmon(store)
    used = make_interaction(client=bot)
    await Scout.fov.callback(cog, used, "P21abcd", 30.0)
    assert scout.ephemeris.await_args.args[0].obs_code == "G96"
    (embed,) = used.followup.send.await_args.kwargs["embeds"]
    assert "from Mt. Lemmon (G96)" in embed.fields[0].value


async def test_scout_ephemeris_is_geocentric_without_a_site(
    cog: Scout, bot: Any, scout: Any
) -> None:
    used = make_interaction(client=bot)
    await Scout.ephemeris.callback(
        cog, used, "P21abcd", start="now", stop=None, step=None, obs_code=None, ranges=False
    )
    assert scout.ephemeris.await_args.args[0].obs_code == "500"


async def test_the_objects_ephemeris_button_uses_the_default_site(
    bot: Any, store: Store, scout: Any
) -> None:
    await lemmon(store)
    view = discord.ui.View(timeout=None)
    view.add_item(ObjectButton("P21abcd", ObjectMode.EPHEMERIS))
    press = make_interaction(
        client=bot, kind=discord.InteractionType.component, message=message_showing(view)
    )
    await press_button(press, "Ephemeris", DYNAMIC_ITEMS)
    assert scout.ephemeris.await_args.args[0].obs_code == "G96"
    assert press.followup.send.await_args.kwargs["embeds"][0].title.endswith(
        "from Mt. Lemmon (G96)"
    )


def test_every_custom_id_matches_exactly_one_template_and_fits() -> None:
    longest = TonightOptions(
        "G96",
        min_altitude=12.345678901234567,
        max_vmag=21.123456789012345,
        sort=TonightSort.ALTITUDE,
    )
    ids = [tonight_custom_id(2**64 - 1, longest, 9999, role) for role in PagerRole]
    ids += [ephemeris_custom_id("G96", "P21abcd"), object_custom_id(ObjectMode.EPHEMERIS, "P2")]
    for custom_id in ids:
        assert len(custom_id) <= 100
        matching = [
            item
            for item in DYNAMIC_ITEMS
            if item.__discord_ui_compiled_template__.fullmatch(custom_id)
        ]
        assert len(matching) == 1, custom_id
    assert TonightPageButton in DYNAMIC_ITEMS and SiteEphemerisButton in DYNAMIC_ITEMS


async def test_jump_goes_to_a_page_or_to_an_objects_page(
    cog: Scout, bot: Any, store: Store, scout: Any
) -> None:
    await lemmon(store)
    scout.summary.return_value = sky_for_tonight(datetime.now(UTC), count=20)
    owner = make_member()
    message = message_showing(sent(await run_tonight(cog, bot, owner))["view"])
    for typed, page, first in [("3", "Page 3/3", "17. "), ("Pup0008", "Page 2/3", "9. Pup0008")]:
        press = make_interaction(
            client=bot, user=owner, kind=discord.InteractionType.component, message=message
        )
        await press_button(press, "Jump…", DYNAMIC_ITEMS)
        form = press.response.send_modal.await_args.args[0]
        submitted = make_interaction(
            client=bot, user=owner, kind=discord.InteractionType.modal_submit, message=message
        )
        await submit_form(form, submitted, typed)
        edit = submitted.edit_original_response.await_args.kwargs
        assert edit["embed"].footer.text.startswith(page)
        assert edit["embed"].fields[0].name.startswith(first)
