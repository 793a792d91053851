"""What each upstream service did lately, for /about and /alerts status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.errors import shorten

SCOUT = "JPL Scout"
MPC = "MPC action codes"
DISCORD = "Discord"

MAX_REASON_CHARS = 200


@dataclass(frozen=True)
class ServiceHealth:
    service: str
    last_success: datetime | None = None
    last_failure: datetime | None = None
    last_error: str | None = None

    @property
    def ok(self) -> bool | None:
        """True if the latest answer was good, False if it failed, None if never asked."""
        if self.last_success is None and self.last_failure is None:
            return None
        if self.last_failure is None:
            return True
        return self.last_success is not None and self.last_success > self.last_failure


class UpstreamHealth:
    def __init__(self, *, on_failure: Callable[[str], None] | None = None) -> None:
        self._services: dict[str, ServiceHealth] = {}
        self._on_failure = on_failure  # told the service's name (the metrics count it)

    def record_success(self, service: str) -> None:
        current = self.get(service)
        self._services[service] = ServiceHealth(
            service, _now(), current.last_failure, current.last_error
        )

    def record_failure(self, service: str, reason: str) -> None:
        """``reason`` is kept short: it is shown in /about and /alerts status, whose
        fields hold 1024 characters (the log has the whole of it)."""
        current = self.get(service)
        shown = shorten(reason, MAX_REASON_CHARS)
        self._services[service] = ServiceHealth(service, current.last_success, _now(), shown)
        if self._on_failure is not None:
            self._on_failure(service)

    def get(self, service: str) -> ServiceHealth:
        return self._services.get(service, ServiceHealth(service))

    def all(self) -> list[ServiceHealth]:
        return [self.get(service) for service in (SCOUT, MPC)]


def _now() -> datetime:
    return datetime.now(UTC)
