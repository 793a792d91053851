"""Subscriptions, snapshot and outbox (placeholder: issue 6 replaces this)."""

from __future__ import annotations


class Store:
    @classmethod
    async def open(cls, url: str) -> Store:
        return cls()

    async def close(self) -> None:
        return None
