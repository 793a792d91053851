"""The one HTTP client every upstream call goes through, and what both upstream clients
read from HTTP itself."""

from __future__ import annotations

import email.utils
import math
from datetime import UTC

import httpx

from bot import USER_AGENT


def make_http_client(
    *, timeout_seconds: float = 30.0, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        timeout=httpx.Timeout(timeout_seconds, connect=10.0),
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        follow_redirects=True,
        transport=transport,
    )


def retry_after_seconds(value: str | None, *, now: float) -> float | None:
    """How long a ``Retry-After`` header asks to wait: delta-seconds or an HTTP date, never
    negative; None when there is none or it cannot be read. ``now`` is the wall clock
    (Unix seconds), for a date."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - now
    return max(seconds, 0.0) if math.isfinite(seconds) else None
