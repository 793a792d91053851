"""The /scout cog as its tests meet it: a spec'd Scout client answering the recorded summary,
a bot holding it, and the cog. A module overrides ``scout`` (asking for this one to extend
it) or ``bot`` (to add a store) for what its tests need."""

from __future__ import annotations

from typing import Any

import pytest

from cogs.scout import Scout
from tests.helpers import make_bot, spec_scout_client
from tests.recorded import summary


@pytest.fixture
def scout() -> Any:
    client = spec_scout_client()
    client.summary.return_value = summary()
    return client


@pytest.fixture
def bot(scout: Any) -> Any:
    return make_bot(scout_client=scout)


@pytest.fixture
def cog(bot: Any) -> Scout:
    return Scout(bot)
