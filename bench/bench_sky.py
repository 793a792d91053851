"""Sky benchmark: ranking the NEOCP for one site, and /scout tonight's answer overhead.

    .venv/bin/python -m bench.bench_sky             # 30 runs each
    .venv/bin/python -m bench.bench_sky --runs 100

1. CPU time (``time.process_time``, this process) of ``plan_tonight`` for 30, 300 and 3000
   NEOCP objects spread over the whole sky, for Mt. Lemmon (G96): warm (the site's sky grid
   for this five-minute slot cached, as for every command but the first in five minutes)
   and cold (the grid computed too). Target: 3000 objects under 150 ms of CPU, warm and cold.
2. /scout tonight's answer overhead: the command's callback from the interaction to its
   followup (site read from a real SQLite store, the plan computed in a worker thread,
   the embed and its buttons built) with a Scout that answers the summary at once, so
   everything measured is the bot's own work. Wall time, median and worst.
3. A poll with 100 site-filtered subscriptions: choosing the recipients of 30 new objects
   (the watcher's ``ObservabilityJudge`` and each filter's verdict, sites read from a real
   SQLite store) on one and on three sites, against 100 subscriptions with thresholds only;
   then the alerts' precise site figures (``PreciseFigureAsker``, with a Scout that answers
   every ephemeris at once): how many ephemeris requests, and the bot's own time.

A benchmark, not a test: it prints and asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.neocp.events import NeocpEvent
from bot.scout.models import Ephemeris, EphemerisRecord, ScoutObject, Summary
from bot.scout.validation import EphemerisQuery
from bot.sky import Site, plan_tonight, site_observatory
from bot.sky.night import _cache as grid_cache
from bot.store import Store, Subscription

SIZES = (30, 300, 3000)
TARGET_MS = 150.0


def lemmon() -> Site:
    return site_at("G96", name="Mt. Lemmon")


def site_at(code: str, name: str | None = None) -> Site:
    observatory = site_observatory(code)
    assert observatory.longitude is not None
    assert observatory.rho_cos_phi is not None and observatory.rho_sin_phi is not None
    return Site(
        code=code,
        name=name or observatory.name,
        longitude=observatory.longitude,
        rho_cos_phi=observatory.rho_cos_phi,
        rho_sin_phi=observatory.rho_sin_phi,
        limiting_vmag=21.5,
        fov_arcmin=60,
    )


def neocp(count: int, now: datetime, seed: int = 8) -> list[ScoutObject]:
    """``count`` summary records spread uniformly over the sky, with Scout's string fields."""
    rng = random.Random(seed)
    stamp = now.strftime("%Y-%m-%d %H:%M")
    records = []
    for n in range(count):
        dec = round(rng.uniform(-1, 1) * 89)
        records.append(
            ScoutObject.model_validate(
                {
                    "objectName": f"P{n:06d}",
                    "lastRun": stamp,
                    "tEphem": stamp,
                    "ra": f"{rng.randrange(24):02d}:{rng.randrange(60):02d}",
                    "dec": f"{'-' if dec < 0 else '+'}{abs(dec):02d}",
                    "Vmag": f"{rng.uniform(17, 23):.1f}",
                    "rate": f"{rng.uniform(0.1, 120):.1f}",
                    "unc": f"{rng.uniform(0.1, 30):.1f}",
                    "uncP1": f"{rng.uniform(1, 600):.0f}",
                    "neoScore": rng.randrange(101),
                    "phaScore": rng.randrange(60),
                    "rating": rng.choice([None, 0, 0, 1, 2]),
                }
            )
        )
    return records


def cpu_ms(objects: list[ScoutObject], site: Site, now: datetime, *, cold: bool) -> float:
    if cold:
        grid_cache.clear()
    started = time.process_time()
    plan_tonight(objects, site, now)
    return (time.process_time() - started) * 1000


def ranking(runs: int) -> None:
    site, now = lemmon(), datetime.now(UTC)
    plan_tonight(neocp(10, now), site, now)  # load the ephemeris once, as the bot does
    print("Ranking for one site (plan_tonight), CPU ms: median / worst")
    for size in SIZES:
        objects = neocp(size, now)
        for cold in (False, True):
            times = [cpu_ms(objects, site, now, cold=cold) for _ in range(runs)]
            median = statistics.median(times)
            mark = "" if size < 3000 or median < TARGET_MS else "  MISSED"
            print(
                f"  {size:5d} objects, {'cold' if cold else 'warm'}: {median:6.1f} / "
                f"{max(times):6.1f} ms ({median / size * 1000:5.1f} µs an object){mark}"
            )


async def answer_overhead(runs: int) -> None:
    # Imported here: the Discord-side pieces are only needed for this part.
    from cogs.scout import Scout
    from tests.helpers import make_bot, make_interaction, spec_scout_client

    site, now = lemmon(), datetime.now(UTC)
    print("/scout tonight answer overhead (callback → followup, Scout answering at once):")
    with tempfile.TemporaryDirectory() as folder:
        store = await Store.open(f"sqlite:///{folder}/bench.db")
        await store.save_site(111, site, by=1)
        try:
            for size in SIZES:
                scout: Any = spec_scout_client()
                scout.summary.return_value = Summary(data=neocp(size, now))
                bot = make_bot(scout_client=scout, store=store)
                cog = Scout(bot)
                times = []
                for _ in range(runs):
                    interaction = make_interaction(client=bot)
                    started = time.perf_counter()
                    await Scout.tonight.callback(
                        cog,
                        interaction,
                        site=None,
                        min_altitude=None,
                        max_vmag=None,
                        sort="priority",
                    )
                    times.append((time.perf_counter() - started) * 1000)
                print(
                    f"  {size:5d} objects: {statistics.median(times):6.1f} / {max(times):6.1f} ms"
                )
        finally:
            await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    ranking(args.runs)
    asyncio.run(answer_overhead(args.runs))
    asyncio.run(poll_with_sites(args.runs))


async def poll_with_sites(runs: int) -> None:
    """What choosing the recipients of one poll costs: 30 new objects, 100 subscriptions
    that are site-filtered (on one site, then on three), against 100 with thresholds only.
    The watcher's own steps (``ObservabilityJudge.for_poll``, then each filter's verdict)
    with
    the sites read from a real SQLite store; no Scout request is made by it at all."""
    from bot.alerts.sites import ObservabilityJudge
    from bot.neocp import AlertFilter
    from bot.store import NewSubscription

    now = datetime.now(UTC)
    events = [NeocpEvent.first_listed(obj, now) for obj in neocp(30, now, seed=13)]
    print("A poll with 30 new objects and 100 subscriptions: choosing recipients, wall ms:")
    codes = {"plain": (), "one site": ("G96",), "three sites": ("G96", "703", "F51")}
    for label, sites in codes.items():
        with tempfile.TemporaryDirectory() as folder:
            store = await Store.open(f"sqlite:///{folder}/bench.db")
            try:
                for code in sites:
                    await store.save_site(111, site_at(code), by=1)
                for n in range(100):
                    chosen = (
                        AlertFilter(site=sites[n % len(sites)], observable=True)
                        if sites
                        else AlertFilter(min_neo_score=50)
                    )
                    await store.save_subscription(
                        NewSubscription(
                            guild_id=111,
                            channel_id=10_000 + n,
                            filter=chosen,
                            mention_role_id=None,
                            created_by=1,
                        ),
                        max_per_guild=None,
                    )
                subscriptions = await store.active_subscriptions()
                times, delivered = [], 0
                chosen_ids: list[list[int]] = []
                for _ in range(runs):
                    started = time.perf_counter()
                    judge = await ObservabilityJudge.for_poll(store, subscriptions, events, now=now)
                    chosen_ids = [
                        [s.id for s in subscriptions if s.filter.wants(e) and judge.admits(s, e)]
                        for e in events
                    ]
                    times.append((time.perf_counter() - started) * 1000)
                    delivered = sum(len(ids) for ids in chosen_ids)
                print(
                    f"  {label:11s}: {statistics.median(times):6.1f} / {max(times):6.1f} ms, "
                    f"{delivered} deliveries chosen"
                )
                pairs = list(zip(events, chosen_ids, strict=True))
                await precise_figures_cost(store, subscriptions, pairs)
            finally:
                await store.close()


class InstantEphemerides:
    """Scout answering every ephemeris at once: half-hourly, 40° up, dark."""

    def __init__(self, obj: ScoutObject) -> None:
        self.requests = 0
        self._object = obj

    async def ephemeris(self, query: EphemerisQuery) -> Ephemeris:
        self.requests += 1
        assert query.start is not None and query.stop is not None
        steps = int((query.stop - query.start).total_seconds() // 1800) + 1
        records = [
            EphemerisRecord(
                time=query.start + timedelta(minutes=30 * i),
                sigma_pos=2.0,
                median={"el": 40.0, "vmag": 20.0, "moon": 90.0},
            )
            for i in range(steps)
        ]
        return Ephemeris(object=self._object, records=records)


async def precise_figures_cost(
    store: Store, subscriptions: list[Subscription], chosen: list[tuple[NeocpEvent, list[int]]]
) -> None:
    from bot.alerts.precise import PreciseFigureAsker

    scout = InstantEphemerides(chosen[0][0].object)
    started = time.perf_counter()
    await PreciseFigureAsker(scout, store).attach(chosen, subscriptions, now=datetime.now(UTC))
    elapsed = (time.perf_counter() - started) * 1000
    print(f"  {'':11s}  site figures: {scout.requests} ephemeris requests, {elapsed:.1f} ms")


if __name__ == "__main__":
    main()
