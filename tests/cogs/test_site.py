"""/site through its callbacks, against a real store on SQLite and spec'd Discord mocks."""

from __future__ import annotations

import re
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.errors import InvalidInput
from bot.sky import DEFAULT_MIN_ALTITUDE, search
from bot.store import Store
from cogs.site import (
    MAX_SITES_PER_SERVER,
    Sites,
    ephemeris_site,
    observatory_autocomplete,
    server_site,
    site_autocomplete,
)
from tests.helpers import make_interaction, make_member
from tests.sky.helpers import site

GUILD = 111


@pytest.fixture
def bot(bot: Any, store: Store) -> Any:
    bot.store = store
    return bot


@pytest.fixture
def cog(bot: Any) -> Sites:
    return Sites(bot)


def interaction(bot: Any, *, manager: bool = True) -> Any:
    made = make_interaction(client=bot, user=make_member(member_id=4242))
    made.permissions = discord.Permissions(manage_guild=manager)
    return made


async def add(cog: Sites, bot: Any, code: str, **options: Any) -> Any:
    used = interaction(bot)
    defaults: dict[str, Any] = {
        "name": None,
        "min_altitude": 25.0,
        "limiting_vmag": None,
        "fov_arcmin": None,
        "twilight": "nautical",
        "default": False,
    }
    await Sites.add.callback(cog, used, code, **{**defaults, **options})
    return used


def sent_embed(used: Any) -> discord.Embed:
    embed = used.response.send_message.await_args.kwargs["embed"]
    assert isinstance(embed, discord.Embed)
    return embed


async def test_adding_g96_stores_the_mpcs_coordinates_and_shows_tonight(
    cog: Sites, bot: Any, store: Store
) -> None:
    used = await add(cog, bot, "G96", limiting_vmag=21.5, fov_arcmin=60)
    stored = await store.site(GUILD, "G96")
    assert stored is not None and stored.is_default
    assert stored.site == site("G96", limiting_vmag=21.5, fov_arcmin=60)
    embed = sent_embed(used)
    assert embed.title == "Site added: University of Arizona Mt. Lemmon Survey (G96) ★ default"
    assert embed.description is not None
    assert "32.4427° N, 110.7887° W" in embed.description
    assert "above 25° · nautical twilight · V ≤ 21.5 · field 60′" in embed.description
    assert "Dark: " in embed.description and "UTC" in embed.description
    assert used.response.send_message.await_args.kwargs["ephemeral"] is True


async def test_a_name_and_limits_of_the_teams_own_are_kept(
    cog: Sites, bot: Any, store: Store
) -> None:
    await add(cog, bot, "g96", name="Mt. Lemmon", min_altitude=30, twilight="astronomical")
    stored = await store.site(GUILD, "G96")
    assert stored is not None
    assert stored.site.name == "Mt. Lemmon" and stored.site.label == "Mt. Lemmon (G96)"
    assert stored.site.min_altitude == 30 and stored.site.twilight.value == "astronomical"


@pytest.mark.parametrize(
    ("code", "sentence"),
    [
        ("500", "500 is the centre of the Earth"),
        ("C51", "C51 (WISE) has no fixed place on Earth"),
        ("247", "has no fixed place on Earth"),
        ("QQQ", "QQQ is not in the MPC's list"),
        ("Lemmon", "not an MPC observatory code"),
    ],
)
async def test_codes_that_cannot_be_sites_are_refused_before_anything_is_stored(
    cog: Sites, bot: Any, store: Store, code: str, sentence: str
) -> None:
    with pytest.raises(InvalidInput, match=re.escape(sentence)):
        await add(cog, bot, code)
    assert await store.count_sites(GUILD) == 0


async def test_a_server_has_at_most_25_sites(cog: Sites, bot: Any, store: Store) -> None:
    codes = [obs.code for obs in search("")]
    for code in codes[:MAX_SITES_PER_SERVER]:
        await store.save_site(GUILD, site(code), by=1)
    with pytest.raises(InvalidInput, match="25 sites already"):
        await add(cog, bot, "G96")
    # Changing a site it has is still allowed.
    await add(cog, bot, codes[0], min_altitude=40)


async def test_removing_the_default_names_the_new_one(cog: Sites, bot: Any, store: Store) -> None:
    await add(cog, bot, "G96", name="Mt. Lemmon")
    await add(cog, bot, "703", name="Catalina")
    used = interaction(bot)
    await Sites.remove.callback(cog, used, "G96")
    message = used.response.send_message.await_args.args[0]
    assert message == ("Site Mt. Lemmon (G96) is removed. The default site is now Catalina (703).")
    with pytest.raises(InvalidInput, match="This server has no site G96"):
        await Sites.remove.callback(cog, interaction(bot), "G96")


async def test_choosing_the_default(cog: Sites, bot: Any, store: Store) -> None:
    await add(cog, bot, "G96")
    await add(cog, bot, "I41", name="ZTF")
    used = interaction(bot)
    await Sites.default.callback(cog, used, "I41 ZTF")
    assert used.response.send_message.await_args.args[0].startswith(
        "ZTF (I41) is now the server's default site"
    )
    default = await store.default_site(GUILD)
    assert default is not None and default.site.code == "I41"
    with pytest.raises(InvalidInput, match="no site F51"):
        await Sites.default.callback(cog, interaction(bot), "F51")


async def test_the_list_shows_coordinates_and_tonights_dark_window(cog: Sites, bot: Any) -> None:
    await add(cog, bot, "G96", name="Mt. Lemmon")
    await add(cog, bot, "W84", name="Tololo *DECam*")
    used = interaction(bot, manager=False)
    await Sites.list_.callback(cog, used)
    embed = sent_embed(used)
    assert [field.name for field in embed.fields] == [
        "Mt. Lemmon (G96) ★ default",
        "Tololo \\*DECam\\* (W84)",
    ]
    assert all("Dark: " in (field.value or "") for field in embed.fields)
    assert "30.1" in (embed.fields[1].value or "") and "° S" in (embed.fields[1].value or "")


async def test_an_empty_list_says_how_to_add_a_site(cog: Sites, bot: Any) -> None:
    used = interaction(bot)
    await Sites.list_.callback(cog, used)
    assert "/site add code:G96" in (sent_embed(used).description or "")


def test_changing_sites_needs_manage_server_and_listing_does_not() -> None:
    for command in (Sites.add, Sites.remove, Sites.default):
        assert command.checks, command.name
    assert not Sites.list_.checks


async def test_a_member_without_manage_server_is_refused(cog: Sites, bot: Any) -> None:
    used = interaction(bot, manager=False)
    with pytest.raises(app_commands.MissingPermissions):
        for check in Sites.add.checks:
            await discord.utils.maybe_coroutine(check, used)


async def test_code_autocomplete_offers_mt_lemmon_by_its_mpc_name(bot: Any) -> None:
    choices = await observatory_autocomplete(interaction(bot), "G96 Mt. Lemmon Survey")
    assert [(c.name, c.value) for c in choices] == [
        ("G96 University of Arizona Mt. Lemmon Survey", "G96")
    ]
    assert len(await observatory_autocomplete(interaction(bot), "")) == 25


async def test_site_autocomplete_offers_the_servers_own_sites(cog: Sites, bot: Any) -> None:
    await add(cog, bot, "G96", name="Mt. Lemmon")
    await add(cog, bot, "703", name="Catalina")
    choices = await site_autocomplete(interaction(bot), "")
    assert [(c.name, c.value) for c in choices] == [
        ("G96 Mt. Lemmon (default)", "G96"),
        ("703 Catalina", "703"),
    ]
    assert [c.value for c in await site_autocomplete(interaction(bot), "cata")] == ["703"]


async def test_server_site_is_the_named_one_else_the_default(cog: Sites, bot: Any) -> None:
    assert await server_site(interaction(bot), None) is None
    await add(cog, bot, "G96")
    await add(cog, bot, "703")
    default = await server_site(interaction(bot), None)
    assert default is not None and default.site.code == "G96"
    named = await server_site(interaction(bot), "703 Catalina")
    assert named is not None and named.site.code == "703"
    with pytest.raises(InvalidInput, match="no site F51"):
        await server_site(interaction(bot), "F51")


# --- a member's own default site (/site mine) ---------------------------------------------


def member(bot: Any, member_id: int = 5151) -> Any:
    """Someone without Manage Server, as most observers are."""
    made = make_interaction(client=bot, user=make_member(member_id=member_id))
    made.permissions = discord.Permissions.none()
    return made


async def mine(cog: Sites, used: Any, code: str | None = None, clear: bool = False) -> str:
    await Sites.mine.callback(cog, used, code, clear)
    assert used.response.send_message.await_args.kwargs["ephemeral"] is True
    answer = used.response.send_message.await_args.args[0]
    assert isinstance(answer, str)
    return answer


def test_anyone_may_choose_their_own_site() -> None:
    assert not Sites.mine.checks


async def test_without_options_it_says_the_servers_default_is_used(cog: Sites, bot: Any) -> None:
    assert await mine(cog, member(bot)) == (
        "You have no default site of your own, and this server has none either. "
        "Choose one with `/site mine code:`."
    )
    await add(cog, bot, "G96", name="Mt. Lemmon")
    assert await mine(cog, member(bot)) == (
        "You have no default site of your own: the server's, Mt. Lemmon (G96), is used. "
        "Choose one with `/site mine code:`."
    )


async def test_choosing_showing_and_clearing_ones_own_site(
    cog: Sites, bot: Any, store: Store
) -> None:
    await add(cog, bot, "G96", name="Mt. Lemmon")
    await add(cog, bot, "703", name="Catalina")
    chosen = await mine(cog, member(bot), "703 Catalina")
    assert chosen.startswith("Your default site is now Catalina (703): your follow-up presses")
    assert (await store.site_for_member(GUILD, 5151)) == await store.site(GUILD, "703")
    assert await mine(cog, member(bot)) == (
        "Your default site is Catalina (703). `/site mine clear:True` goes back to the server's."
    )
    # Someone else's default is still the server's.
    other = await store.site_for_member(GUILD, 6161)
    assert other is not None and other.site.code == "G96"
    cleared = await mine(cog, member(bot), clear=True)
    assert cleared == (
        "You have no default site of your own any more: the server's, Mt. Lemmon (G96), is used."
    )
    assert await store.member_site(GUILD, 5151) is None


async def test_a_code_the_server_lacks_is_refused_and_the_old_choice_kept(
    cog: Sites, bot: Any, store: Store
) -> None:
    await add(cog, bot, "G96")
    await mine(cog, member(bot), "G96")
    with pytest.raises(InvalidInput, match="This server has no site F51"):
        await mine(cog, member(bot), "F51")
    with pytest.raises(InvalidInput, match="not both"):
        await mine(cog, member(bot), "G96", clear=True)
    kept = await store.member_site(GUILD, 5151)
    assert kept is not None and kept.site.code == "G96"


async def test_the_list_names_the_askers_own_default(cog: Sites, bot: Any) -> None:
    await add(cog, bot, "G96", name="Mt. Lemmon")
    await add(cog, bot, "703", name="Catalina")
    used = member(bot)
    await Sites.list_.callback(cog, used)
    assert "Your default: the server's (`/site mine` chooses your own)" in (
        sent_embed(used).description or ""
    )
    await mine(cog, member(bot), "703")
    used = member(bot)
    await Sites.list_.callback(cog, used)
    assert "Your default: Catalina (703)" in (sent_embed(used).description or "")


async def test_ones_own_site_is_the_default_of_ones_own_answers(cog: Sites, bot: Any) -> None:
    await add(cog, bot, "G96")
    await add(cog, bot, "703")
    await mine(cog, member(bot), "703")
    own = await server_site(member(bot), None)
    assert own is not None and own.site.code == "703"
    # A subscription's site is the channel's, never the moderator's own.
    server = await server_site(member(bot), None, personal=False)
    assert server is not None and server.site.code == "G96"
    assert (await ephemeris_site(member(bot), None))[0] == "703"


def test_site_adds_options_are_described_from_its_docstring() -> None:
    described = {parameter.name: parameter.description for parameter in Sites.add.parameters}
    assert described["code"] == "MPC observatory code, e.g. G96 (type a code or a place)"
    assert described["min_altitude"].endswith(f"(default {DEFAULT_MIN_ALTITUDE:g})")
    assert all(text and text != "…" and len(text) <= 100 for text in described.values())
