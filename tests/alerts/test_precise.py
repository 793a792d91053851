"""Scout's own figures in the alerts of subscriptions with a site: asked by the watcher in
its lane before it queues the alert, once per object and site however many subscriptions
share them, answered again by the Scout client's cache for the same Scout run, and never
in the way of the alert: when Scout fails or the budget is spent, the line is coarse."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx

from bot.alerts.precise import PreciseBudget, PreciseFigureAsker
from bot.alerts.sites import SiteLines
from bot.alerts.watcher import AlertWatcher
from bot.config import AlertsSettings, ScoutSettings
from bot.guilds import GuildPolicy
from bot.health import UpstreamHealth
from bot.render.tonight import site_figures_line
from bot.scout import ScoutClient
from bot.sky import tonight_window
from bot.store import Delivery, Store
from tests.alerts.helpers import FakeSender, subscribe
from tests.builders import SUMMARY_RECORD
from tests.fakes import FakeClock
from tests.sky.helpers import meridian_ra, site

BASE_URL = "https://scout.test/scout.api"
GUILD, OTHER_GUILD = 1001, 1002
SITE_CHANNEL, ALL_CHANNEL = 21, 22
LEMMON = site("G96", name="Mt. Lemmon", fov_arcmin=60)
# Scout's rules (checked again before anything is sent) want ephemerides near the real
# now; at 12:30 local time on Mt. Lemmon its coming night is hours away whatever the date.
T0 = datetime.now(UTC).replace(hour=19, minute=30, second=0, microsecond=0)
LATER_RUN = (T0 + timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M")


def up_tonight(designation: str, **fields: Any) -> dict[str, Any]:
    """A summary row on Mt. Lemmon's meridian in the middle of its coming night, Dec +30."""
    window = tonight_window(LEMMON, T0)
    assert window is not None
    ra = meridian_ra(LEMMON, window.start + (window.end - window.start) / 2)
    minutes = round(ra / 15 * 60) % 1440
    return {
        **SUMMARY_RECORD,
        "objectName": designation,
        "lastRun": T0.strftime("%Y-%m-%d %H:%M"),
        "ra": f"{minutes // 60:02d}:{minutes % 60:02d}",
        "dec": "+30",
        "tEphem": T0.strftime("%Y-%m-%d %H:%M"),
        "Vmag": "20.3",
        "unc": "3.2",
        **fields,
    }


OLD = up_tonight("P21old1")


class FakeScoutApi:
    """Scout's summary and its topocentric ephemeris: every half hour of the asked span,
    dark (no Sun flag) but for the first record, the object highest (71°) at the middle."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {OLD["objectName"]: OLD}
        self.ephemeris_requests: list[dict[str, str]] = []
        self.failing = False

    def answer(self, request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        if not params:
            rows = list(self.rows.values())
            return httpx.Response(200, json={"count": str(len(rows)), "data": rows})
        self.ephemeris_requests.append(params)
        if self.failing:
            return httpx.Response(503)
        return httpx.Response(200, json=self.ephemeris(params))

    def ephemeris(self, params: dict[str, str]) -> dict[str, Any]:
        start = datetime.fromisoformat(params["eph-start"].replace("_", "T"))
        stop = datetime.fromisoformat(params["eph-stop"].replace("_", "T"))
        times = []
        while start <= stop:
            times.append(start)
            start += timedelta(minutes=30)
        middle = len(times) // 2
        records = [
            {
                "time": moment.strftime("%Y-%m-%d %H:%M:%S"),
                "sun-flag": "n" if index == 0 else None,
                "sigma-pos": "2.5",
                "median": {
                    "ra": "10.0",
                    "dec": "30.0",
                    "vmag": "20.1",
                    "moon": "88",
                    "el": str(71 - 8 * abs(index - middle)),
                },
            }
            for index, moment in enumerate(times)
        ]
        return {"object": self.rows[params["tdes"]], "count": len(records), "eph": records}


class Rig:
    def __init__(self, store: Store, http: httpx.AsyncClient, budget: PreciseBudget) -> None:
        self.store = store
        self.api = FakeScoutApi()
        self.clock = FakeClock(T0)
        self.scout = ScoutClient(
            http,
            ScoutSettings(base_url=BASE_URL, retry_budget_seconds=0.0),
            health=UpstreamHealth(),
            sleep=self.clock.sleep,
            clock=self.clock.monotonic,
            rng=random.Random(7),
        )
        self.deliveries: list[Delivery] = []
        sender = FakeSender()
        posting = sender.send

        async def recording(delivery: Delivery, nonce: str) -> int:
            self.deliveries.append(delivery)
            return await posting(delivery, nonce)

        sender.send = recording  # type: ignore[method-assign]
        background = self.scout.background()
        self.watcher = AlertWatcher(
            source=background,
            store=store,
            sender=sender,
            policy=GuildPolicy([GUILD, OTHER_GUILD]),
            settings=AlertsSettings(poll_interval_seconds=60, jitter_seconds=5),
            clock=self.clock.utc,
            rng=random.Random(7),
            precise=PreciseFigureAsker(background, store, budget),
        )

    async def subscribe(self, channel_id: int, guild_id: int = GUILD, **filters: Any) -> None:
        await subscribe(self.store, guild_id, channel_id, **filters)

    async def poll(self, *rows: dict[str, Any]) -> None:
        self.api.rows = {row["objectName"]: row for row in rows}
        self.clock.advance(minutes=2)
        await self.watcher.run_cycle()

    async def line(self, channel_id: int, designation: str) -> str:
        """The site line of the last alert about ``designation`` in the channel."""
        delivery = [
            d
            for d in self.deliveries
            if d.subscription.channel_id == channel_id
            and any(e.designation == designation for e in d.events)
        ][-1]
        figures = (await SiteLines(self.store).figures(delivery))[designation]
        event = next(e for e in delivery.events if e.designation == designation)
        return site_figures_line(figures, event.object)


@pytest.fixture
def budget() -> PreciseBudget:
    return PreciseBudget()


@pytest.fixture
async def rig(
    database_url: str, http: httpx.AsyncClient, budget: PreciseBudget
) -> AsyncIterator[Rig]:
    store = await Store.open(database_url)
    await store.save_site(GUILD, LEMMON, by=5)
    running = Rig(store, http, budget)
    await running.subscribe(SITE_CHANNEL, site="G96", observable=True)
    await running.subscribe(ALL_CHANNEL)
    with respx.mock(assert_all_called=False) as router:
        router.get(BASE_URL).mock(side_effect=running.api.answer)
        await running.watcher.run_cycle()  # the first poll records the list
        yield running
    await store.close()


def expected_line(request: dict[str, str]) -> str:
    """What FakeScoutApi's ephemeris for ``request`` puts in the line."""
    start = datetime.fromisoformat(request["eph-start"].replace("_", "T"))
    stop = datetime.fromisoformat(request["eph-stop"].replace("_", "T"))
    count = int((stop - start) / timedelta(minutes=30)) + 1
    best = start + timedelta(minutes=30 * (count // 2))
    last = start + timedelta(minutes=30 * (count - 1))
    # 71° at the middle, 8° less each half hour away: above 25° for 5 half hours each side.
    first_up = max(start + timedelta(minutes=30), best - timedelta(minutes=150))
    last_up = min(last, best + timedelta(minutes=150))
    return (
        f"From Mt. Lemmon (G96): up {first_up:%H:%M}-{last_up:%H:%M} UTC, "
        f"highest 71° at {best:%H:%M}, V 20.1, 1σ 2.5′ (field 60′), Moon 88°"
    )


async def test_a_site_alert_carries_scouts_own_figures_for_the_site(rig: Rig) -> None:
    await rig.poll(OLD, up_tonight("P21up01"))
    [request] = rig.api.ephemeris_requests
    assert request["tdes"] == "P21up01" and request["obs-code"] == "G96"
    assert await rig.line(SITE_CHANNEL, "P21up01") == expected_line(request)


async def test_one_request_per_object_and_site_however_many_subscriptions(rig: Rig) -> None:
    for channel in range(100, 140):
        await rig.subscribe(channel, site="G96", observable=channel % 2 == 0)
    # Another server with its own G96 asks the very same question.
    await rig.store.save_site(OTHER_GUILD, site("G96", name="Lemmon club", fov_arcmin=30), by=6)
    await rig.subscribe(200, guild_id=OTHER_GUILD, site="G96")
    await rig.poll(OLD, up_tonight("P21up02"), up_tonight("P21up03"))
    assert sorted(r["tdes"] for r in rig.api.ephemeris_requests) == ["P21up02", "P21up03"]
    assert (await rig.line(131, "P21up02")).startswith("From Mt. Lemmon (G96): up ")
    assert (await rig.line(200, "P21up02")).startswith("From Lemmon club (G96): up ")


async def test_the_same_scout_run_is_asked_once_and_a_new_run_again(rig: Rig) -> None:
    await rig.poll(OLD, up_tonight("P21up04"))
    # An update without a new Scout run (the same lastRun): the cache answers.
    await rig.poll(OLD, up_tonight("P21up04", neoScore=60))
    assert len(rig.api.ephemeris_requests) == 1
    assert len([d for d in rig.deliveries if d.subscription.channel_id == SITE_CHANNEL]) == 2
    assert (await rig.line(SITE_CHANNEL, "P21up04")).startswith("From Mt. Lemmon (G96): up ")
    # Scout re-ran the object: its figures may have moved, so they are asked again.
    await rig.poll(OLD, up_tonight("P21up04", neoScore=30, lastRun=LATER_RUN))
    assert len(rig.api.ephemeris_requests) == 2


async def test_alerts_without_a_site_ask_nothing(rig: Rig) -> None:
    await rig.store.remove_subscription(GUILD, SITE_CHANNEL)
    await rig.poll(OLD, up_tonight("P21up05"))
    assert rig.api.ephemeris_requests == []
    assert [d.events[0].designation for d in rig.deliveries] == ["P21up05"]


async def test_when_scout_fails_the_alert_goes_out_with_the_coarse_line(rig: Rig) -> None:
    rig.api.failing = True
    await rig.poll(OLD, up_tonight("P21up06"), up_tonight("P21up07"))
    assert len(rig.api.ephemeris_requests) == 1  # no second question after a failure
    for designation in ("P21up06", "P21up07"):
        line = await rig.line(SITE_CHANNEL, designation)
        assert line.startswith("From Mt. Lemmon (G96), coarse: up ")
        assert line.endswith("V 20.3, 1σ 3.2′ (field 60′)")


@pytest.mark.parametrize("budget", [PreciseBudget(questions=1)])
async def test_beyond_the_budget_the_line_is_coarse_and_new_objects_come_first(
    rig: Rig,
) -> None:
    await rig.poll(OLD, up_tonight("P21up08"))
    await rig.poll(
        OLD,
        up_tonight("P21up08", neoScore=50, lastRun=LATER_RUN),
        up_tonight("P21up09", rating=2),
    )
    assert [r["tdes"] for r in rig.api.ephemeris_requests] == ["P21up08", "P21up09"]
    assert (await rig.line(SITE_CHANNEL, "P21up09")).startswith("From Mt. Lemmon (G96): up ")
    assert (await rig.line(SITE_CHANNEL, "P21up08")).startswith("From Mt. Lemmon (G96), coarse:")


async def test_removals_ask_nothing(rig: Rig) -> None:
    await rig.poll(OLD, up_tonight("P21up10"))
    await rig.poll(OLD)
    await rig.poll(OLD)  # the removal is confirmed
    assert [r["tdes"] for r in rig.api.ephemeris_requests] == ["P21up10"]
    assert (await rig.line(SITE_CHANNEL, "P21up10")).startswith("From Mt. Lemmon (G96), coarse:")
