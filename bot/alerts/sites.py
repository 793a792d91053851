"""Subscriptions with a site: which events pass, and the site's line in every alert.

A subscription that names a ``site`` and asks for ``observable`` objects passes an event
only when the object can be observed from that site within ``within_hours`` of the poll
(above the site's minimum altitude, in its own darkness, within its limiting V). An update
passes if the object was observable before *or* after it, as thresholds do; a removal is
judged on the last record listed. Everything is computed locally from the events' summary
records, once per site and window and poll, off the event loop: no request to Scout.

Every alert of a subscription with a site carries that site's figures: Scout's own, when
the watcher asked for them before queueing the event (``precise``) and stored them with
it; else the coarse ones, computed from the event's own detection time. Either way a
resend after a crash renders the same line.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.neocp.events import NeocpEvent, SitePrecise
from bot.scout.models import ScoutObject
from bot.sky import Site, Visibility, observable_within
from bot.store import Delivery, Store, Subscription

log = logging.getLogger(__name__)


class SiteFilter(Protocol):
    """The site fields of a subscription's filter."""

    @property
    def site(self) -> str | None: ...

    @property
    def observable(self) -> bool: ...

    @property
    def within_hours(self) -> float: ...


@dataclass(frozen=True)
class SiteKey:
    guild_id: int
    code: str
    hours: float


@dataclass(frozen=True)
class SiteFigures:
    """What an alert says about its subscription's site: Scout's figures where the watcher
    asked for them (``precise``), else the coarse ``visibility`` (None when the object is
    not observable from there within the window)."""

    site: Site
    hours: float
    visibility: Visibility | None
    precise: SitePrecise | None = None


def site_key(subscription: Subscription) -> SiteKey | None:
    alert_filter: SiteFilter = subscription.filter
    if alert_filter.site is None:
        return None
    return SiteKey(subscription.guild_id, alert_filter.site, float(alert_filter.within_hours))


class ObservabilityJudge:
    """For one poll: is an event's object observable from a subscription's site?"""

    def __init__(self, observable: dict[SiteKey, frozenset[int]]) -> None:
        # Per site and window, the id() of each record observable from there.
        self._observable = observable

    @classmethod
    async def for_poll(
        cls,
        store: Store,
        subscriptions: Iterable[Subscription],
        events: Sequence[NeocpEvent],
        *,
        now: datetime,
    ) -> ObservabilityJudge:
        keys = {
            key
            for subscription in subscriptions
            if subscription.filter.observable and (key := site_key(subscription)) is not None
        }
        if not keys or not events:
            return cls({})
        records = [event.object for event in events] + [
            event.previous for event in events if event.previous is not None
        ]
        sites: dict[SiteKey, Site] = {}
        for key in keys:
            stored = await store.site(key.guild_id, key.code)
            if stored is None:
                log.warning(
                    "server %d has no site %s any more: its site-filtered alerts pass nothing",
                    key.guild_id,
                    key.code,
                )
                continue
            sites[key] = stored.site
        observable = await asyncio.to_thread(_observable_records, records, sites, now)
        return cls(observable)

    def admits(self, subscription: Subscription, event: NeocpEvent) -> bool:
        """True when the subscription asks nothing of a site, or the object (before or
        after an update) is observable from it within the window."""
        key = site_key(subscription)
        if key is None or not subscription.filter.observable:
            return True
        observable = self._observable.get(key, frozenset())
        return id(event.object) in observable or (
            event.previous is not None and id(event.previous) in observable
        )


def _observable_records(
    records: list[ScoutObject], sites: dict[SiteKey, Site], now: datetime
) -> dict[SiteKey, frozenset[int]]:
    return {
        key: frozenset(
            id(obj) for obj, _ in observable_within(records, site, now, key.hours).visible
        )
        for key, site in sites.items()
    }


class SiteLines:
    """The figures of a delivery's site for each of its objects (none without a site)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def figures(self, delivery: Delivery) -> dict[str, SiteFigures]:
        """Per designation; computed from each event's detection time, so a resend after
        a crash renders the same lines."""
        key = site_key(delivery.subscription)
        if key is None or not delivery.events:
            return {}
        stored = await self._store.site(key.guild_id, key.code)
        if stored is None:
            return {}
        return await asyncio.to_thread(_figures, delivery.events, stored.site, key)


def _figures(events: Sequence[NeocpEvent], site: Site, key: SiteKey) -> dict[str, SiteFigures]:
    found: dict[str, SiteFigures] = {}
    hours = key.hours
    for event in events:
        precise = event.precise_for(key.guild_id, key.code)
        if precise is not None:
            found[event.designation] = SiteFigures(site, hours, None, precise)
            continue
        judged = observable_within([event.object], site, event.detected_at, hours)
        seen = judged.visible[0][1] if judged.visible else None
        found[event.designation] = SiteFigures(site, hours, seen)
    return found
