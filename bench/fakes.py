"""The e2e fakes with the few hooks a benchmark needs, added by subclassing.

- ``TimedDiscord``: when each interaction was sent to the bot and when each request of the
  bot arrived (its callback, each followup), an index of interactions by token (the base
  class scans them all, which a run of 10,000 commands would feel), ``forget()`` to drop
  what finished runs left behind, and optional Discord-like rate limits.
- ``BenchScout``: a fixed upstream latency (the base class has it) and 1000 sampled orbits
  (the recorded payload has the first 50; they are repeated with new indices).

All times are ``time.monotonic()`` in the benchmark's process, where the fakes run.
"""

from __future__ import annotations

import contextvars
import copy
import time
from collections import deque
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.e2e.fake_discord import (
    FakeDiscord,
    FakeInteraction,
    FakeMessage,
    RecordedRequest,
    rate_limited_response,
)
from tests.e2e.fake_upstreams import FakeScout, UpstreamRequest

# When the request being handled arrived (headers read, before its body): set per aiohttp
# handler task, so concurrent requests each keep their own.
_arrived: contextvars.ContextVar[float] = contextvars.ContextVar("arrived", default=0.0)

# Discord's documented limits: 50 requests a second per bot across all routes (interaction
# callbacks and followups excluded), and 5 messages per 5 s in one channel.
GLOBAL_PER_SECOND = 50
CHANNEL_MESSAGES = 5
CHANNEL_WINDOW_SECONDS = 5.0


class TimedDiscord(FakeDiscord):
    def __init__(self, *, rate_limits: bool = False) -> None:
        super().__init__()
        self.rate_limits = rate_limits
        self.injected: dict[int, float] = {}  # interaction id -> sent on the gateway
        self.acked: dict[int, float] = {}  # interaction id -> its callback arrived
        self.rate_limited = 0  # 429s answered
        self._by_token: dict[str, FakeInteraction] = {}
        self._global_window: deque[float] = deque()
        self._channel_windows: dict[str, deque[float]] = {}

    # --- timestamps -------------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        if event == "INTERACTION_CREATE":
            interaction = self.interactions[int(data["id"])]
            self._by_token[interaction.token] = interaction
            self.injected[interaction.id] = time.monotonic()
        await super().dispatch(event, data)

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        _arrived.set(time.monotonic())
        return await super()._rest(request)

    async def _post_callback(
        self, recorded: RecordedRequest, interaction_id: str, token: str
    ) -> web.Response:
        self.acked.setdefault(int(interaction_id), _arrived.get())
        return await super()._post_callback(recorded, interaction_id, token)

    def _new_message(
        self, interaction: FakeInteraction | None, channel_id: int, guild_id: int | None
    ) -> FakeMessage:
        message = super()._new_message(interaction, channel_id, guild_id)
        message.created = _arrived.get() or message.created
        return message

    def _interaction(self, interaction_id: str | None, token: str) -> FakeInteraction:
        found = self._by_token.get(token)
        if found is not None and (interaction_id is None or found.id == int(interaction_id)):
            return found
        return super()._interaction(interaction_id, token)

    def ack_seconds(self, interaction: FakeInteraction) -> float:
        return self.acked[interaction.id] - self.injected[interaction.id]

    def last_answer_seconds(self, interaction: FakeInteraction) -> float:
        """From the interaction to the arrival of the bot's last message for it."""
        ids = [interaction.original_id or 0, *interaction.followup_ids]
        created = [self.messages[i].created for i in ids if i in self.messages]
        return max(created) - self.injected[interaction.id]

    def forget(self) -> None:
        """Drop finished interactions, messages and request logs (between batches)."""
        self.interactions.clear()
        self._by_token.clear()
        self.messages.clear()
        self.requests.clear()
        self.injected.clear()
        self.acked.clear()
        self._backlog.clear()  # kept only to replay after a RESUME, which we do not do

    # --- rate limits ------------------------------------------------------------------------

    async def _route(self, request: web.Request, recorded: RecordedRequest) -> web.Response:
        if not self.rate_limits or recorded.path.startswith(("/interactions/", "/webhooks/")):
            return await super()._route(request, recorded)
        now = time.monotonic()
        limited = self._over_global(now) or self._over_channel(recorded, now)
        if limited is not None:
            self.rate_limited += 1
            return limited
        response = await super()._route(request, recorded)
        channel = self._channel_bucket(recorded)
        if channel is not None:
            window = self._channel_windows[channel]
            response.headers.update(
                {
                    "X-RateLimit-Limit": str(CHANNEL_MESSAGES),
                    "X-RateLimit-Remaining": str(max(0, CHANNEL_MESSAGES - len(window))),
                    "X-RateLimit-Reset-After": f"{CHANNEL_WINDOW_SECONDS - (now - window[0]):.3f}",
                    "X-RateLimit-Bucket": f"messages-{channel}",
                }
            )
        return response

    def _over_global(self, now: float) -> web.Response | None:
        window = self._global_window
        while window and now - window[0] >= 1.0:
            window.popleft()
        if len(window) >= GLOBAL_PER_SECOND:
            return _too_many(window[0] + 1.0 - now, is_global=True)
        window.append(now)
        return None

    def _channel_bucket(self, recorded: RecordedRequest) -> str | None:
        parts = recorded.path.split("/")  # "", "channels", id, "messages"
        if (
            recorded.method == "POST"
            and len(parts) == 4
            and parts[1:4:2] == ["channels", "messages"]
        ):
            return parts[2]
        return None

    def _over_channel(self, recorded: RecordedRequest, now: float) -> web.Response | None:
        channel = self._channel_bucket(recorded)
        if channel is None:
            return None
        window = self._channel_windows.setdefault(channel, deque())
        while window and now - window[0] >= CHANNEL_WINDOW_SECONDS:
            window.popleft()
        if len(window) >= CHANNEL_MESSAGES:
            return _too_many(window[0] + CHANNEL_WINDOW_SECONDS - now, is_global=False)
        window.append(now)
        return None


def _too_many(retry_after: float, *, is_global: bool) -> web.Response:
    return rate_limited_response(max(retry_after, 0.001), is_global=is_global)


class BenchScout(FakeScout):
    """Scout with 1000 sampled orbits (the recorded 50, repeated), and answers it has built
    once served again as bytes: the fake's own work (copying 500 ephemeris records, dumping
    JSON) runs on the same two cores as the bot and would be counted as the bot's."""

    def __init__(self, fixtures: Path, *, latency: float = 0.0) -> None:
        super().__init__(fixtures)
        self.latency = latency
        self._built: dict[tuple[str, tuple[tuple[str, str], ...]], tuple[int, bytes, str]] = {}

    def answer(self, recorded: UpstreamRequest) -> web.Response:
        if recorded.mode == "summary" or recorded.query.get("eph-start", "now") == "now":
            return super().answer(recorded)  # changes with the list, or with the clock
        key = (recorded.path, tuple(sorted(recorded.query.items())))
        if key not in self._built:
            built = super().answer(recorded)
            assert isinstance(built.body, bytes)
            self._built[key] = (built.status, built.body, built.content_type)
        status, body, content_type = self._built[key]
        return web.Response(status=status, body=body, content_type=content_type)

    def add(self, designation: str, **fields: Any) -> dict[str, Any]:
        self._built.clear()
        return super().add(designation, **fields)

    def update(self, designation: str, **fields: Any) -> dict[str, Any]:
        self._built.clear()
        return super().update(designation, **fields)

    def _sampled_orbits(self, n_orbits: str | None) -> dict[str, Any]:
        orbits = super()._sampled_orbits("1000")
        recorded = orbits["data"]
        count = int(n_orbits) if n_orbits and n_orbits.isdigit() else 1000
        rows = []
        for index in range(max(1, min(count, 1000))):
            row = copy.copy(recorded[index % len(recorded)])
            row[0] = index  # "idx"
            rows.append(row)
        orbits["data"] = rows
        orbits["count"] = str(len(rows))
        return orbits
