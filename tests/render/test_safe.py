"""bot.render.safe: upstream text shows as sent, and nothing we send exceeds Discord's limits.

The property tests feed arbitrary upstream records and error messages through the real
renderers and the sending boundary, and check every limit Discord enforces.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import discord
from discord import app_commands
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.neocp import AlertFilter, EventKind, NeocpEvent
from bot.neocp.filters import ListOptions, select_objects
from bot.render import safe
from bot.render.alerts import alert_embed, subscriptions_embed
from bot.render.common import fmt_mag, fmt_rating, fmt_score, scout_url
from bot.render.listing import list_pages
from bot.render.objects import object_embed
from bot.render.reply import Reply
from bot.scout.models import ScoutObject
from bot.store import Subscription, SubscriptionState
from tests.builders import make_object

HOSTILE = "**P21** @everyone [link](http://evil.example) <@123> <#456>\u202e\x00"

# Text as upstream may send it: any character, markup, mentions, controls, very long.
upstream_text = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.sampled_from("*_~`|[]()<>@#:-\\\n\x00\u202e"), max_size=80),
    st.builds(
        lambda unit, n: unit * n,
        st.sampled_from(["x", "é", "😀", "@everyone "]),
        st.sampled_from([0, 1, 30, 300, 5000]),
    ),
)
numbers = st.one_of(
    st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**9), 10**9)
)
whole = st.one_of(st.none(), st.integers(-(10**6), 10**6))


def limits_broken(kwargs: dict[str, Any]) -> list[str]:
    """What Discord would refuse in a message built from these keyword arguments."""
    problems = []
    content = kwargs.get("content")
    if content is not None and safe.length(content) > safe.CONTENT_LIMIT:
        problems.append("content")
    embeds = kwargs.get("embeds") or ([kwargs["embed"]] if "embed" in kwargs else [])
    if len(embeds) > safe.EMBEDS_LIMIT:
        problems.append("embeds")
    if sum(safe.embed_length(embed) for embed in embeds) > safe.EMBEDS_TOTAL_LIMIT:
        problems.append("total")
    for embed in embeds:
        problems += embed_limits_broken(embed)
    view = kwargs.get("view")
    for item in view.children if view is not None else []:
        if len(getattr(item, "custom_id", "") or "") > safe.CUSTOM_ID_LIMIT:
            problems.append("custom_id")
        if len(getattr(item, "label", "") or "") > safe.BUTTON_LABEL_LIMIT:
            problems.append("label")
    return problems


def embed_limits_broken(embed: discord.Embed) -> list[str]:
    data = embed.to_dict()
    problems = []
    for key, limit in (("title", 256), ("description", 4096), ("url", 2048)):
        if safe.length(str(data.get(key, ""))) > limit:
            problems.append(key)
    if safe.length(str(data.get("footer", {}).get("text", ""))) > 2048:
        problems.append("footer")
    if safe.length(str(data.get("author", {}).get("name", ""))) > 256:
        problems.append("author")
    fields = data.get("fields", [])
    if len(fields) > 25:
        problems.append("fields")
    for field in fields:
        if not 0 < safe.length(field["name"]) <= 256 or not 0 < safe.length(field["value"]) <= 1024:
            problems.append("field")
    if safe.embed_length(embed) > 6000:
        problems.append("embed")
    return problems


@st.composite
def hostile_records(draw: st.DrawFn) -> ScoutObject:
    return ScoutObject.model_construct(
        designation=draw(upstream_text),
        last_run=datetime(2026, 11, 28, tzinfo=UTC),
        ephemeris_time=None,
        n_obs=draw(whole),
        arc_hours=draw(numbers),
        rms_n=draw(numbers),
        h=draw(numbers),
        vmag=draw(numbers),
        ra=draw(st.one_of(st.none(), upstream_text)),
        dec=draw(st.one_of(st.none(), upstream_text)),
        elong=draw(numbers),
        rate=draw(numbers),
        unc=draw(numbers),
        unc_p1=draw(numbers),
        moid=draw(numbers),
        ca_dist=draw(numbers),
        v_inf=draw(numbers),
        rating=draw(whole),
        neo_score=draw(whole),
        neo1km_score=draw(whole),
        pha_score=draw(whole),
        ieo_score=draw(whole),
        geocentric_score=draw(whole),
        tisserand_score=draw(whole),
    )


# --- escaping -----------------------------------------------------------------------------


def test_hostile_text_is_shown_as_sent_and_renders_nothing() -> None:
    shown = safe.text(HOSTILE)
    assert "\x00" not in shown and "\u202e" not in shown
    assert "@everyone" not in shown  # a zero-width space splits it
    assert r"\*\*P21\*\*" in shown
    assert r"\[link\]" in shown
    assert r"\<@123\>" in shown and r"\<#456\>" in shown


def test_line_start_markup_is_escaped_but_ordinary_words_are_not() -> None:
    assert safe.text("# big", one_line=False) == r"\# big"
    assert safe.text("> quote\n- item", one_line=False) == "\\> quote\n\\- item"
    assert safe.text("P10vY9r") == "P10vY9r"
    assert safe.text("Invalid parameter: tp") == "Invalid parameter: tp"


def test_code_keeps_text_but_no_backtick_can_close_the_block() -> None:
    assert "`" not in safe.code("a```b`c")
    assert safe.code("**x** @here") == "**x** @here"


@given(upstream_text)
def test_escaped_text_has_no_controls_and_no_mass_mention(value: str) -> None:
    shown = safe.text(value)
    assert "@everyone" not in shown.lower() and "@here" not in shown.lower()
    assert not any(0 <= ord(c) < 32 or c in "\u202e\u2066\u200f" for c in shown)


def test_a_cut_never_ends_in_an_escaping_backslash() -> None:
    cut = safe.fit(safe.text("ab*cd*ef"), 4)
    assert cut == "ab…"


def test_emoji_count_two_toward_a_limit() -> None:
    assert safe.length("😀") == 2
    assert safe.length(safe.fit("😀" * 100, 11)) <= 11


# --- numbers ------------------------------------------------------------------------------


def test_numbers_outside_their_domain_read_as_unknown() -> None:
    assert fmt_score(-3) == "n/a" and fmt_score(101) == "n/a" and fmt_score(100) == "100"
    assert fmt_rating(99) == "n/a" and fmt_rating(-1) == "n/a" and fmt_rating(4) == "4 (elevated)"
    assert fmt_mag(math.nan) == "n/a" and fmt_mag(math.inf) == "n/a"


def test_a_link_too_long_for_discord_falls_back_to_the_scout_page() -> None:
    assert scout_url("X" * 5000) == "https://cneos.jpl.nasa.gov/scout/"


# --- the boundary -------------------------------------------------------------------------


def test_clamping_cuts_every_part_and_logs_it(caplog: Any) -> None:
    embed = discord.Embed(title="t" * 300, description="d" * 5000, url="https://x/" + "u" * 3000)
    for _ in range(30):
        embed.add_field(name="n" * 300, value="v" * 2000)
    embed.set_footer(text="f" * 3000)
    clamped = safe.clamp_embed(embed)
    assert embed_limits_broken(clamped) == []
    assert clamped.url is None
    assert "cut an embed" in caplog.text


def test_the_message_as_a_whole_is_held_to_6000_and_ten_embeds() -> None:
    embeds = [discord.Embed(title=str(i), description="d" * 4000) for i in range(12)]
    kwargs = safe.message_kwargs(content="c" * 3000, embeds=embeds)
    assert limits_broken(kwargs) == []
    assert kwargs["embeds"][0].description == "d" * 4000  # the first is read first: kept


def test_a_button_whose_custom_id_is_too_long_is_left_out() -> None:
    view = discord.ui.View()
    view.add_item(discord.ui.Button(label="L" * 100, custom_id="ok"))
    view.add_item(discord.ui.Button(label="x", custom_id="c" * 101))
    clamped = safe.clamp_view(view)
    assert clamped is not None and len(clamped.children) == 1
    assert limits_broken({"view": clamped}) == []


def test_autocomplete_choices_are_25_of_at_most_100_characters() -> None:
    choices = [app_commands.Choice(name="n" * 150, value=f"v{i}") for i in range(40)]
    choices.append(app_commands.Choice(name="long value", value="v" * 101))
    clamped = safe.clamp_choices(choices)
    assert len(clamped) == 25
    assert all(len(choice.name) <= 100 for choice in clamped)
    assert safe.clamp_choices([app_commands.Choice(name="x", value="v" * 101)]) == []


@given(st.lists(upstream_text, max_size=4), st.integers(0, 12), upstream_text)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_message_is_within_limits_after_the_boundary(
    texts: list[str], count: int, content: str
) -> None:
    embeds = []
    for i in range(count):
        embed = discord.Embed(title=texts[0] if texts else "t", description="".join(texts))
        for text in texts * 2:
            embed.add_field(name=text or "n", value=text * 3 or "v")
        embed.set_footer(text=content)
        embed.set_author(name=content)
        embeds.append(embed)
        _ = i
    assert limits_broken(safe.message_kwargs(content=content, embeds=embeds)) == []


# --- the renderers, with anything upstream may send ----------------------------------------


@given(hostile_records())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_record_makes_an_object_embed_discord_accepts(obj: ScoutObject) -> None:
    embed = object_embed(obj)
    assert embed_limits_broken(embed) == []
    assert "@everyone" not in (embed.title or "")


@given(hostile_records(), st.sampled_from(list(EventKind)))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_record_makes_an_alert_discord_accepts(obj: ScoutObject, kind: EventKind) -> None:
    when = datetime(2026, 11, 28, tzinfo=UTC)
    event = NeocpEvent(
        kind=kind, designation=obj.designation, first_seen=when, detected_at=when, object=obj
    )
    embed = alert_embed(event, reference="0123abcd")
    assert embed_limits_broken(embed) == []
    assert embed.footer.text is not None and embed.footer.text.endswith("alert 0123abcd")


@given(st.lists(hostile_records(), max_size=30))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_records_make_list_pages_discord_accepts(objects: list[ScoutObject]) -> None:
    options = ListOptions.build()
    for page in list_pages(select_objects(objects, options), options, total=len(objects)):
        assert embed_limits_broken(page) == []


def failed_subscription(
    i: int, failure: str, *, role_id: int | None, state: SubscriptionState
) -> Subscription:
    """The ``i``-th subscription of a server, in channel 5000 + i, whose last post failed."""
    when = datetime(2026, 11, 28, tzinfo=UTC)
    return Subscription(
        id=i,
        created_by=9,
        guild_id=1,
        channel_id=5000 + i,
        filter=AlertFilter(min_neo_score=80),
        mention_role_id=role_id,
        state=state,
        created_at=when,
        last_delivery_at=when,
        last_failure=failure,
        last_failure_at=when,
    )


@given(st.lists(upstream_text, min_size=1, max_size=30))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_failures_make_a_subscription_list_discord_accepts(failures: list[str]) -> None:
    subscriptions = [
        failed_subscription(i, failure, role_id=7000 + i, state=SubscriptionState.DISABLED)
        for i, failure in enumerate(failures)
    ]
    assert embed_limits_broken(subscriptions_embed(subscriptions)) == []


def test_25_subscriptions_with_long_failures_fit_and_name_every_channel() -> None:
    forbidden = "403 Forbidden (error code: 50013): Missing Permissions " * 6
    subscriptions = [
        failed_subscription(i, forbidden, role_id=None, state=SubscriptionState.ACTIVE)
        for i in range(25)
    ]
    embed = subscriptions_embed(subscriptions)
    assert embed_limits_broken(embed) == []
    assert all(f"<#{5000 + i}>" in str(embed.fields[i].value) for i in range(25))


@given(upstream_text)
def test_any_error_message_fits_an_answer(message: str) -> None:
    kwargs = safe.message_kwargs(content=message)
    assert limits_broken(kwargs) == []


def test_a_reply_is_clamped_when_sent() -> None:
    reply = Reply(content="c" * 2500, embeds=[discord.Embed(description="d" * 5000)])
    assert limits_broken(reply.send_kwargs()) == []


def test_a_real_record_is_unchanged_by_escaping() -> None:
    embed = object_embed(make_object())
    assert embed.title == "P10vY9r on the NEOCP"
