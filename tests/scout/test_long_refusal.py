"""A Scout 400 whose message runs to 3000 characters: a short answer, the whole in the log."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
import respx

from bot.health import SCOUT, UpstreamHealth
from bot.render.about import about_embed
from bot.scout import ScoutClient, ScoutRequestRefused
from tests.scout.conftest import BASE_URL

LONG = "invalid value for parameter 'file': " + " ".join(["expected mpc or list"] * 150)


@pytest.fixture
def refusing() -> Any:
    with respx.mock() as router:
        router.get(BASE_URL).mock(
            return_value=httpx.Response(400, json={"code": "400", "message": LONG})
        )
        yield router


async def test_the_users_answer_is_short_and_the_log_has_it_all(
    refusing: Any, scout: ScoutClient, caplog: pytest.LogCaptureFixture
) -> None:
    assert len(LONG) > 3000
    with caplog.at_level(logging.WARNING), pytest.raises(ScoutRequestRefused) as caught:
        await scout.observations("ZTF10DD")

    shown = str(caught.value)
    assert shown.startswith("JPL Scout refused the request: invalid value for parameter 'file'")
    assert len(shown) <= 400 and shown.endswith("…")
    assert LONG in caplog.text


async def test_about_stays_within_a_fields_1024_characters_after_it(
    refusing: Any, scout: ScoutClient, health: UpstreamHealth
) -> None:
    with pytest.raises(ScoutRequestRefused):
        await scout.observations("ZTF10DD")

    assert health.get(SCOUT).ok is False
    fields = {field.name: field.value or "" for field in about_embed(health.all()).fields}
    assert len(fields["Upstream health"]) <= 1024
    assert "refused: invalid value" in fields["Upstream health"]
