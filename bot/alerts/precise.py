"""Scout's precise figures for the alerts of subscriptions with a site.

The watcher asks for them after it has chosen each event's recipients and before it
queues them, so that the figures are stored with the event and every message about it
(and a resend after a crash) renders the same line. Only events a subscription with a
site will receive are asked about (removals are not: Scout no longer has the object), in
the watcher's own lane to Scout, so commands never wait behind them. One question per
object and site (``site_ephemeris_query``, the one a 🔭 press under /scout tonight asks):
however many subscriptions share a site, and the Scout client's cache, tagged with the
object's ``lastRun``, answers it again for the rest of that Scout run.

It is bounded: at most ``MAX_PRECISE_PER_POLL`` questions a poll, new and significant
objects first, within ``PRECISE_SECONDS_PER_POLL``, and none after Scout has failed once.
An alert whose figures were not asked, or not answered, goes out on time with the coarse
line, marked as coarse. Nothing here raises: the alert matters more than its figures.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.errors import NotFound, UserFacingError
from bot.followup.significance import channel_line_reason, significant_new
from bot.neocp.events import EventKind, NeocpEvent, SitePrecise
from bot.scout.models import Ephemeris
from bot.scout.validation import EphemerisQuery
from bot.sky import Site
from bot.sky.topocentric import precise_figures, site_ephemeris_query
from bot.store import Store, Subscription

log = logging.getLogger(__name__)

MAX_PRECISE_PER_POLL = 10
PRECISE_SECONDS_PER_POLL = 20.0

Recipients = list[tuple[NeocpEvent, list[int]]]
SiteKey = tuple[int, str]  # server, MPC code


class EphemerisSource(Protocol):
    """What the watcher needs of the Scout client for precise figures (its own lane)."""

    async def ephemeris(self, query: EphemerisQuery) -> Ephemeris: ...


@dataclass(frozen=True)
class _Question:
    query: EphemerisQuery
    # Every event and server site this one answer serves.
    askers: list[tuple[int, SiteKey, Site]]


@dataclass(frozen=True)
class PreciseBudget:
    questions: int = MAX_PRECISE_PER_POLL
    seconds: float = PRECISE_SECONDS_PER_POLL


class PreciseFigureAsker:
    """Asks Scout for the site figures of a poll's events, within a budget."""

    def __init__(
        self, source: EphemerisSource, store: Store, budget: PreciseBudget | None = None
    ) -> None:
        self._source = source
        self._store = store
        self._budget = budget or PreciseBudget()

    async def attach(
        self, chosen: Recipients, subscriptions: Sequence[Subscription], *, now: datetime
    ) -> Recipients:
        """The events with Scout's figures for each server site that receives them (as
        many as the budget allows); the recipients are unchanged. Never raises."""
        budget = self._budget
        try:
            questions = await _questions(chosen, subscriptions, self._store, now=now)
            if not questions:
                return chosen
            answers = await _ask(questions[: budget.questions], self._source, budget.seconds)
        except Exception:
            log.exception("asking Scout for the alerts' site figures failed; they stay coarse")
            return chosen
        if len(questions) > budget.questions:
            log.info(
                "site figures: %d of %d asked this poll; the rest go out coarse",
                budget.questions,
                len(questions),
            )
        return _with_answers(chosen, answers)


def _with_answers(chosen: Recipients, answers: list[tuple[_Question, Ephemeris]]) -> Recipients:
    found: dict[int, list[SitePrecise]] = {}
    for question, ephemeris in answers:
        for index, (guild_id, code), site in question.askers:
            figures = precise_figures(ephemeris, site)
            found.setdefault(index, []).append(
                SitePrecise(guild_id=guild_id, code=code, figures=figures)
            )
    return [
        (event.model_copy(update={"precise": tuple(found[i])}) if i in found else event, ids)
        for i, (event, ids) in enumerate(chosen)
    ]


async def _questions(
    chosen: Recipients, subscriptions: Sequence[Subscription], store: Store, *, now: datetime
) -> list[_Question]:
    """One question per object and site query, the most urgent objects first."""
    by_id = {subscription.id: subscription for subscription in subscriptions}
    sites: dict[SiteKey, Site | None] = {}
    questions: dict[Hashable, _Question] = {}
    for index in sorted(range(len(chosen)), key=lambda i: _urgency(chosen[i][0])):
        event, ids = chosen[index]
        if event.kind is EventKind.REMOVED:
            continue
        keys = {
            (s.guild_id, s.filter.site)
            for i in ids
            if (s := by_id.get(i)) is not None and s.filter.site is not None
        }
        for key in sorted(keys):
            if key not in sites:
                stored = await store.site(*key)
                sites[key] = None if stored is None else stored.site
            site = sites[key]
            if site is None:
                continue
            try:
                query = site_ephemeris_query(event.designation, site, now)
            except UserFacingError as exc:  # a designation Scout's rules refuse
                log.info("no site figures for %s: %s", event.designation, exc)
                continue
            asked = questions.setdefault(
                tuple(sorted(query.params().items())), _Question(query, [])
            )
            asked.askers.append((index, key, site))
    return list(questions.values())


def _urgency(event: NeocpEvent) -> tuple[int, float, str]:
    """New objects before updates, significant ones first, then by NEO score."""
    if event.kind is EventKind.NEW:
        rank = 0 if significant_new(event.object) else 1
    else:
        rank = 2 if channel_line_reason(event) is not None else 3
    return (rank, -(event.object.neo_score or 0), event.designation)


async def _ask(
    questions: Sequence[_Question], source: EphemerisSource, seconds: float
) -> list[tuple[_Question, Ephemeris]]:
    """The answers Scout gives in time, one question after another (the watcher's lane
    to Scout takes one request at a time anyway); none after Scout has failed."""
    answers: list[tuple[_Question, Ephemeris]] = []
    try:
        async with asyncio.timeout(seconds):
            for question in questions:
                try:
                    answers.append((question, await source.ephemeris(question.query)))
                except NotFound:
                    continue  # the object left Scout since the summary: no figures
                except UserFacingError as exc:
                    reason = getattr(exc, "detail", None) or exc
                    log.warning("site figures: Scout failed, the rest go out coarse: %s", reason)
                    break
    except TimeoutError:
        log.warning(
            "site figures: %d of %d answered within %g s; the rest go out coarse",
            len(answers),
            len(questions),
            seconds,
        )
    return answers
