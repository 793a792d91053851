"""The one HTTP client every upstream call goes through."""

from __future__ import annotations

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
