"""Subscriptions with a site: the watcher passes only what the site can observe within the
window (through new, updated and removed events), and every alert names the site's figures."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.alerts.sites import SiteLines
from bot.alerts.watcher import AlertWatcher
from bot.config import AlertsSettings
from bot.guilds import GuildPolicy
from bot.render.digest import delivery_embed
from bot.render.tonight import site_figures_line
from bot.scout.models import ScoutObject
from bot.sky import tonight_window
from bot.store import Store
from tests.alerts.helpers import FakeSender, subscribe
from tests.builders import summary_of
from tests.fakes import T0, FakeClock, FakeScout
from tests.sky.helpers import meridian_ra, placed, site

GUILD = 1001
SITE_CHANNEL, ALL_CHANNEL, LINE_CHANNEL = 21, 22, 23


def lemmon_midnight(now: datetime) -> datetime:
    window = tonight_window(site("G96"), now)
    assert window is not None
    return window.start + (window.end - window.start) / 2


def up_tonight(designation: str, **fields: Any) -> ScoutObject:
    """On Mt. Lemmon's meridian in the middle of its coming night, at Dec +30."""
    ra = meridian_ra(site("G96"), lemmon_midnight(T0))
    return placed(designation, ra, 30, at=T0, **{"Vmag": "20.3", "unc": "3.2", **fields})


def never_up(designation: str, **fields: Any) -> ScoutObject:
    return placed(designation, 0, -80, at=T0, **fields)


OLD = up_tonight("P21old1")


class Rig:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.scout = FakeScout(summary_of([OLD]))
        self.sender = FakeSender()
        self.clock = FakeClock()
        self.deliveries: list[Any] = []
        posting = self.sender.send

        async def recording(delivery: Any, nonce: str) -> int:
            self.deliveries.append(delivery)
            return await posting(delivery, nonce)

        self.sender.send = recording  # type: ignore[method-assign]
        self.watcher = AlertWatcher(
            source=self.scout,
            store=store,
            sender=self.sender,
            policy=GuildPolicy([GUILD]),
            settings=AlertsSettings(poll_interval_seconds=60, jitter_seconds=5),
            clock=self.clock.utc,
            rng=random.Random(7),
        )

    async def subscribe(self, channel_id: int, **filters: Any) -> None:
        await subscribe(self.store, GUILD, channel_id, **filters)

    async def poll(self, *objects: ScoutObject) -> None:
        self.scout.then(summary_of(objects))
        self.clock.advance(minutes=2)
        await self.watcher.run_cycle()

    def posted(self, channel_id: int) -> list[tuple[str, str]]:
        return self.sender.posted(channel_id)


@pytest.fixture
async def rig(database_url: str) -> AsyncIterator[Rig]:
    store = await Store.open(database_url)
    await store.save_site(
        GUILD, site("G96", name="Mt. Lemmon", limiting_vmag=21.5, fov_arcmin=60), by=5
    )
    running = Rig(store)
    await running.subscribe(SITE_CHANNEL, site="G96", observable=True, within_hours=24)
    await running.subscribe(ALL_CHANNEL)
    await running.watcher.run_cycle()  # the first poll records the list
    yield running
    await store.close()


async def test_a_new_object_passes_only_when_the_site_can_observe_it(rig: Rig) -> None:
    await rig.poll(OLD, up_tonight("P21up01"), never_up("P21low1"))
    assert rig.posted(SITE_CHANNEL) == [("new", "P21up01")]
    assert sorted(rig.posted(ALL_CHANNEL)) == [("new", "P21low1"), ("new", "P21up01")]


async def test_too_faint_for_the_site_does_not_pass(rig: Rig) -> None:
    await rig.poll(OLD, up_tonight("P21dim1", Vmag="22.4"))
    assert rig.posted(SITE_CHANNEL) == []
    assert rig.posted(ALL_CHANNEL) == [("new", "P21dim1")]


async def test_a_short_window_leaves_out_what_rises_later(rig: Rig) -> None:
    await rig.subscribe(LINE_CHANNEL, site="G96", observable=True, within_hours=1)
    # At T0 (12:30 at Mt. Lemmon) nothing is up in the dark within the hour.
    await rig.poll(OLD, up_tonight("P21up02"))
    assert rig.posted(LINE_CHANNEL) == []
    assert rig.posted(SITE_CHANNEL) == [("new", "P21up02")]


async def test_an_update_passes_if_the_object_was_or_is_observable(rig: Rig) -> None:
    moving = up_tonight("P21mov1")
    await rig.poll(OLD, moving, never_up("P21low2"))
    # Scout re-ran both: the observable one moved far south, the other one's score changed.
    gone_south = moving.model_copy(update={"dec": "-80", "neo_score": 50})
    await rig.poll(OLD, gone_south, never_up("P21low2", neoScore=40))
    assert rig.posted(SITE_CHANNEL) == [("new", "P21mov1"), ("updated", "P21mov1")]
    assert ("updated", "P21low2") in rig.posted(ALL_CHANNEL)


async def test_a_removal_passes_if_the_last_record_was_observable(rig: Rig) -> None:
    await rig.poll(OLD, up_tonight("P21rem1"), never_up("P21rem2"))
    await rig.poll(OLD)
    await rig.poll(OLD)  # a second poll confirms the removal
    assert ("removed", "P21rem1") in rig.posted(SITE_CHANNEL)
    assert ("removed", "P21rem2") not in rig.posted(SITE_CHANNEL)
    assert ("removed", "P21rem2") in rig.posted(ALL_CHANNEL)


async def test_a_site_the_server_removed_lets_nothing_through(rig: Rig) -> None:
    await rig.store.remove_site(GUILD, "G96")
    await rig.poll(OLD, up_tonight("P21up03"))
    assert rig.posted(SITE_CHANNEL) == []
    assert rig.posted(ALL_CHANNEL) == [("new", "P21up03")]


async def test_a_site_without_observable_passes_everything(rig: Rig) -> None:
    await rig.subscribe(LINE_CHANNEL, site="G96")
    await rig.poll(OLD, never_up("P21low3"))
    assert rig.posted(LINE_CHANNEL) == [("new", "P21low3")]


async def test_a_hundred_subscriptions_on_one_site_cost_one_computation(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.alerts.sites as sites_module

    calls = 0
    real = sites_module.observable_within

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(sites_module, "observable_within", counted)
    for channel in range(100, 200):
        await rig.subscribe(channel, site="G96", observable=True)
    await rig.poll(OLD, up_tonight("P21many"), never_up("P21few"))
    assert calls == 1  # every subscription asks for G96 within 24 h
    assert len(rig.posted(150)) == 1


async def test_every_alert_of_a_subscription_with_a_site_carries_its_line(rig: Rig) -> None:
    await rig.poll(OLD, up_tonight("P21line", neoScore=90))
    [delivery] = [d for d in rig.deliveries if d.subscription.channel_id == SITE_CHANNEL]
    figures = (await SiteLines(rig.store).figures(delivery))["P21line"]
    assert figures.visibility is not None
    [event] = delivery.events
    line = site_figures_line(figures, event.object)
    seen = figures.visibility
    assert line == (
        f"From Mt. Lemmon (G96), coarse: up {seen.start:%H:%M}-{seen.end:%H:%M} UTC, "
        f"highest {seen.best_altitude:.0f}° at {seen.best_time:%H:%M}, V 20.3, "
        "1σ 3.2′ (field 60′)"
    )
    assert 85 <= seen.best_altitude <= 90
    assert abs(seen.best_time - lemmon_midnight(T0)) < timedelta(minutes=10)
    embed = delivery_embed(delivery.events, reference="abc", site_figures={"P21line": figures})
    assert embed.description is not None and embed.description.startswith(f"**{line}**")


async def test_an_alert_about_an_object_the_site_cannot_reach_says_so(rig: Rig) -> None:
    await rig.subscribe(LINE_CHANNEL, site="G96")
    await rig.poll(OLD, never_up("P21low4"))
    [delivery] = [d for d in rig.deliveries if d.subscription.channel_id == LINE_CHANNEL]
    figures = (await SiteLines(rig.store).figures(delivery))["P21low4"]
    assert figures.visibility is None
    assert site_figures_line(figures, delivery.events[0].object) == (
        "From Mt. Lemmon (G96), coarse: not observable in the 24 h after this alert "
        "(above 25° with the Sun below -12°, V ≤ 21.5)"
    )


async def test_alerts_without_a_site_have_no_line(rig: Rig) -> None:
    await rig.poll(OLD, up_tonight("P21none"))
    deliveries = [d for d in rig.deliveries if d.subscription.channel_id == ALL_CHANNEL]
    assert deliveries and await SiteLines(rig.store).figures(deliveries[0]) == {}
