"""/actioncode through Discord against the fake MPC: private answers, the label's format named,
bad labels and exhausted limits refused before anything reaches the MPC, the MPC's failures
explained."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.fake_discord import DEFERRED_CHANNEL_MESSAGE, FakeDiscord, FakeUser
from tests.e2e.fake_upstreams import Failure, FakeMpc
from tests.e2e.harness import FOLLOW_UP, TEAM_GUILD, BotProcess

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

PER_USER_PER_HOUR = 3


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    # Pacing stays at the production default; the per-user limit is lowered to reach it.
    return {"SCOUTBOT_MPC__PER_USER_PER_HOUR": str(PER_USER_PER_HOUR)}


@pytest.fixture(autouse=True)
def _mpc_healthy(fake_mpc: FakeMpc) -> Iterator[None]:
    yield
    fake_mpc.heal()
    fake_mpc.status = 200
    fake_mpc.reply = {"message": "request received"}


def user(number: int) -> FakeUser:
    """A different observer per test, so that the per-user limit of one test does not leak."""
    return FakeUser(500000000000000000 + number, f"observer{number}")


async def actioncode(discord: FakeDiscord, label: str, who: FakeUser) -> str:
    interaction = await discord.slash(
        "actioncode", guild_id=TEAM_GUILD, channel_id=FOLLOW_UP, user=who, label=label
    )
    answer = await discord.answer(interaction, within=20.0)
    assert answer.ephemeral, "everything about action codes is private"
    return answer.text


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("A10cnQO", "trksub"),
        ("00000DwbEz", "trkid"),
        ("2024-05-02T21:03:35.001_0000FzZw", "submission id"),
        ("2024-05-02T21:03:35.001_0000FzZw_01", "submission block id"),
    ],
)
async def test_a_label_is_sent_to_the_mpc_and_its_format_named(
    bot: BotProcess, fake_discord: FakeDiscord, fake_mpc: FakeMpc, label: str, kind: str
) -> None:
    mark = fake_mpc.count()
    text = await actioncode(fake_discord, label, user(len(label)))
    assert [r.json for r in fake_mpc.since(mark)] == [{"label": label}]
    assert kind in text.lower()
    assert "e-mail" in text


async def test_a_label_of_no_known_format_is_refused_with_the_formats(
    bot: BotProcess, fake_discord: FakeDiscord, fake_mpc: FakeMpc
) -> None:
    mark = fake_mpc.count()
    interaction = await fake_discord.slash(
        "actioncode", guild_id=TEAM_GUILD, channel_id=FOLLOW_UP, user=user(1), label="not a label!"
    )
    answer = await fake_discord.answer(interaction)
    assert answer.ephemeral
    assert DEFERRED_CHANNEL_MESSAGE not in interaction.callback_types
    assert "trksub" in answer.text and "submission" in answer.text
    assert fake_mpc.since(mark) == []


async def test_one_person_is_limited_per_hour_before_the_mpc_is_asked(
    bot: BotProcess, fake_discord: FakeDiscord, fake_mpc: FakeMpc
) -> None:
    eager = user(2)
    for n in range(PER_USER_PER_HOUR):
        await actioncode(fake_discord, f"trk{n:05d}", eager)
    mark = fake_mpc.count()
    text = await actioncode(fake_discord, "trk99999", eager)
    assert "try again" in text
    assert fake_mpc.since(mark) == []
    # Someone else is not held back by it.
    assert "e-mail" in await actioncode(fake_discord, "trk88888", user(3))


async def test_the_mpcs_refusal_is_shown_in_its_own_words(
    bot: BotProcess, fake_discord: FakeDiscord, fake_mpc: FakeMpc
) -> None:
    fake_mpc.status = 400
    fake_mpc.reply = {"detail": "label not recognised"}
    text = await actioncode(fake_discord, "A10cnQP", user(4))
    assert "label not recognised" in text


async def test_an_mpc_that_is_down_gets_a_clear_answer(
    bot: BotProcess, fake_discord: FakeDiscord, fake_mpc: FakeMpc
) -> None:
    fake_mpc.fail(Failure.OVERLOADED, times=None)
    text = await actioncode(fake_discord, "A10cnQR", user(5))
    assert "MPC" in text and "try again" in text


async def test_the_log_shows_no_tracebacks(bot: BotProcess) -> None:
    assert bot.problems() == []
