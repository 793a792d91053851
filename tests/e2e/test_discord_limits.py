"""The fake Discord refuses what Discord refuses: any payload over a size limit gets 400,
code 50035 and an error tree naming the key, so an e2e test fails where the bot would."""

from __future__ import annotations

import aiohttp
import pytest

from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.fake_discord.limits import refusal

pytestmark = pytest.mark.e2e

FOLLOWUP = ("POST", "/webhooks/1/token")
CHANNEL_POST = ("POST", "/channels/5/messages")
CALLBACK = ("POST", "/interactions/1/token/callback")


def test_a_message_within_every_limit_is_accepted() -> None:
    embed = {"title": "t" * 256, "description": "d" * 4096, "fields": [{"name": "n", "value": "v"}]}
    assert refusal(*FOLLOWUP, {"content": "c" * 2000, "embeds": [embed]}) is None


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"content": "c" * 2001}, ["content"]),
        ({"embeds": [{"title": "t" * 257}]}, ["embeds", "0", "title"]),
        ({"embeds": [{"description": "d" * 4097}]}, ["embeds", "0", "description"]),
        ({"embeds": [{"url": "https://x/" + "u" * 2048}]}, ["embeds", "0", "url"]),
        ({"embeds": [{"footer": {"text": "f" * 2049}}]}, ["embeds", "0", "footer", "text"]),
        ({"embeds": [{"author": {"name": "a" * 257}}]}, ["embeds", "0", "author", "name"]),
        (
            {"embeds": [{"fields": [{"name": "n" * 257, "value": "v"}]}]},
            ["embeds", "0", "fields", "0", "name"],
        ),
        (
            {"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]},
            ["embeds", "0", "fields", "0", "value"],
        ),
        ({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}, ["embeds", "0", "fields"]),
        ({"embeds": [{"title": "t"}] * 11}, ["embeds"]),
        ({"embeds": [{"description": "d" * 4000}] * 2}, ["embeds"]),
        (
            {"components": [{"type": 1, "components": [{"type": 2, "custom_id": "c" * 101}]}]},
            ["components", "0", "components", "0", "custom_id"],
        ),
        (
            {"components": [{"type": 1, "components": [{"type": 2, "label": "l" * 81}]}]},
            ["components", "0", "components", "0", "label"],
        ),
    ],
)
def test_each_limit_is_refused_with_discords_error_body(
    body: dict[str, object], path: list[str]
) -> None:
    for route in (FOLLOWUP, CHANNEL_POST):
        answer = refusal(*route, body)
        assert answer is not None and answer["code"] == 50035
        assert answer["message"] == "Invalid Form Body"
        node = answer["errors"]
        for key in path:
            node = node[key]
        assert node["_errors"][0]["code"] in ("BASE_TYPE_MAX_LENGTH", "MAX_EMBED_SIZE_EXCEEDED")


def test_interaction_responses_autocomplete_and_modals_are_held_to_theirs() -> None:
    assert refusal(*CALLBACK, {"type": 4, "data": {"content": "c" * 2001}}) is not None
    assert refusal(*CALLBACK, {"type": 5, "data": {"flags": 64}}) is None
    choices = [{"name": f"n{i}", "value": f"v{i}"} for i in range(26)]
    assert refusal(*CALLBACK, {"type": 8, "data": {"choices": choices}}) is not None
    long_value = [{"name": "n", "value": "v" * 101}]
    assert refusal(*CALLBACK, {"type": 8, "data": {"choices": long_value}}) is not None
    assert refusal(*CALLBACK, {"type": 9, "data": {"custom_id": "m", "title": "t" * 46}})


async def test_the_fake_answers_400_and_posts_nothing() -> None:
    fake = FakeDiscord()
    await fake.start()
    try:
        guild = fake.add_guild(1, "team", ["general"])
        channel_id = next(iter(guild.channels))
        async with aiohttp.ClientSession() as session:
            response = await session.post(
                f"{fake.url}/api/v10/channels/{channel_id}/messages",
                json={"content": "c" * 2001},
                headers={"Authorization": f"Bot {fake.token}"},
            )
            body = await response.json()
        assert response.status == 400 and body["code"] == 50035
        assert fake.channel_messages(channel_id) == []
        assert len(fake.refused) == 1
    finally:
        await fake.stop()
