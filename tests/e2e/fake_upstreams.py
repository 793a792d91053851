"""Fake JPL Scout and MPC action-code services on 127.0.0.1, speaking the real wire format.

The payloads start from the recorded ones in ``tests/fixtures/`` (copies of
``../shared/fixtures/``): the summary list, object records, sampled orbits, the MPC-format
observation file and an ephemeris. A test changes the NEOCP list (add, update, remove),
slows the service down, or makes it fail the way the real services do.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.e2e.local_server import serve_locally

SIGNATURE = {"source": "NASA/JPL Scout API", "version": "1.3"}
OBJECT_PARAMS = frozenset({"plot", "file"})
EPHEMERIS_PARAMS = frozenset(
    {
        "eph-start",
        "eph-stop",
        "eph-step",
        "obs-code",
        "fov-diam",
        "fov-ra",
        "fov-dec",
        "fov-vmag",
        "ranges",
    }
)
PLOT_KEYS = {
    "el": ["qr_e_fig", "qr_in_fig", "qr_H_fig", "H_hist_fig"],
    "ca": ["moid_hist_fig", "ca_dist_cdf_fig", "tca_hist_fig", "ca_dist_hist_fig"],
    "sr": ["rms_sysran_fig", "H_sysran_fig"],
}
# A valid 1x1 PNG, so that whatever the bot does with a plot it does with a real image.
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


class Failure(StrEnum):
    """Ways the fake fails one answer, each seen from the real services."""

    SERVER_ERROR = "500"  # HTTP 500 with a JSON body
    OVERLOADED = "503"  # HTTP 503 with an HTML page, as a proxy in front of the API sends
    TRUNCATED = "truncated"  # HTTP 200, the JSON cut in the middle
    EMPTY = "empty"  # HTTP 200, a well-formed summary with no objects at all
    OTHER_VERSION = "version"  # HTTP 200, signature version 2.0 and a list that looks empty
    HANG = "hang"  # the request is accepted and never answered
    # HTTP 200 and its headers at once, then one byte a second: no read ever waits long
    # enough to time out, so only a deadline on the whole request ends it.
    TRICKLE = "trickle"
    # HTTP 400 whose message runs to some 3000 characters (a dump, not a sentence).
    LONG_REFUSAL = "400-long"


@dataclass
class UpstreamRequest:
    method: str
    path: str
    query: dict[str, str]
    json: Any
    at: float = field(default_factory=time.monotonic)

    @property
    def mode(self) -> str:
        """Scout's query mode: summary, object or ephemeris."""
        if not self.query:
            return "summary"
        return "ephemeris" if EPHEMERIS_PARAMS & self.query.keys() else "object"


@dataclass
class _Planned:
    failure: Failure
    mode: str | None  # only requests of this Scout mode; None: any
    remaining: int | None  # None: until cleared


class _FakeService:
    """What both fakes share: the server, request log, latency, failures and waiting."""

    def __init__(self) -> None:
        self.requests: list[UpstreamRequest] = []
        self.latency = 0.0
        self.trickle_interval = 1.0  # seconds between the bytes of a TRICKLE answer
        self.trickling = 0  # TRICKLE answers being sent right now
        self._planned: list[_Planned] = []
        self._changed = asyncio.Condition()
        self._release = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner, self.url = await serve_locally(app)

    async def stop(self) -> None:
        self._release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def fail(
        self, failure: Failure | str, *, times: int | None = 1, mode: str | None = None
    ) -> None:
        """Answer the next `times` requests (of `mode`, if given) with `failure`."""
        self._planned.append(_Planned(Failure(failure), mode, times))

    def heal(self) -> None:
        """Stop failing and let every hanging request go (with a 503)."""
        self._planned.clear()
        self._release.set()
        self._release = asyncio.Event()

    async def wait_requests(
        self, count: int, mode: str | None = None, within: float = 15.0
    ) -> list[UpstreamRequest]:
        """Wait until `count` requests (of `mode`) have arrived in all."""
        deadline = time.monotonic() + within
        async with self._changed:
            while True:
                seen = [r for r in self.requests if mode is None or r.mode == mode]
                if len(seen) >= count:
                    return seen
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"{type(self).__name__}: waited for {count} {mode or ''} requests, "
                        f"got {len(seen)}"
                    )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)

    def since(self, mark: int) -> list[UpstreamRequest]:
        """Requests after the first `mark` ones (take the mark with ``count()``)."""
        return self.requests[mark:]

    def count(self, mode: str | None = None) -> int:
        return len([r for r in self.requests if mode is None or r.mode == mode])

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body: Any = None
        raw = await request.read()
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode(errors="replace")
        query = dict(request.query)
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            query.update({k: str(v) for k, v in (await request.post()).items()})
        recorded = UpstreamRequest(request.method, request.path, query, body)
        self.requests.append(recorded)
        async with self._changed:
            self._changed.notify_all()
        if self.latency:
            await asyncio.sleep(self.latency)
        planned = self._take_failure(recorded)
        if planned is Failure.TRICKLE:
            return await self._trickle(request)
        if planned is not None:
            return await self._failure_response(planned, recorded)
        return self.answer(recorded)

    async def _trickle(self, request: web.Request) -> web.StreamResponse:
        """Headers now, then a byte a second until healed, stopped or the client goes away."""
        release = self._release
        response = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
        self.trickling += 1
        try:
            await response.prepare(request)
            await response.write(b"{")
            give_up = time.monotonic() + 120
            while not release.is_set() and time.monotonic() < give_up:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(release.wait(), self.trickle_interval)
                await response.write(b" ")
        except ConnectionError:
            pass  # the client gave up on the answer, as it must
        finally:
            self.trickling -= 1
        return response

    def _take_failure(self, recorded: UpstreamRequest) -> Failure | None:
        for planned in self._planned:
            if planned.mode not in (None, recorded.mode):
                continue
            if planned.remaining is not None:
                planned.remaining -= 1
                if planned.remaining <= 0:
                    self._planned.remove(planned)
            return planned.failure
        return None

    async def _failure_response(self, failure: Failure, recorded: UpstreamRequest) -> web.Response:
        if failure is Failure.HANG:
            # Hold the request open until healed or stopped; the client must time out.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._release.wait(), 120)
            return web.Response(status=503, text="released")
        if failure is Failure.LONG_REFUSAL:
            words = " ".join(["the parameter was not what the API expected"] * 70)
            return web.json_response(
                {"code": "400", "message": f"invalid request: {words}"}, status=400
            )
        if failure is Failure.SERVER_ERROR:
            return web.json_response(
                {"code": "500", "message": "internal server error"}, status=500
            )
        if failure is Failure.OVERLOADED:
            html = (
                "<html><head><title>503 Service Unavailable</title></head>"
                "<body><h1>Service Unavailable</h1></body></html>"
            )
            return web.Response(status=503, text=html, content_type="text/html")
        good = self.answer(recorded)
        if failure is Failure.TRUNCATED:
            text = good.text or "{}"
            return web.Response(
                status=200, text=text[: max(1, len(text) // 2)], content_type="application/json"
            )
        return self.degenerate(failure, recorded)

    def answer(self, recorded: UpstreamRequest) -> web.Response:
        raise NotImplementedError

    def degenerate(self, failure: Failure, recorded: UpstreamRequest) -> web.Response:
        raise NotImplementedError


class FakeScout(_FakeService):
    """The Scout API (``GET /scout.api``): summary, object and ephemeris modes."""

    def __init__(self, fixtures: Path) -> None:
        super().__init__()
        scout = fixtures / "scout"
        summary = json.loads((scout / "summary.json").read_text())
        self.rows: dict[str, dict[str, Any]] = {row["objectName"]: row for row in summary["data"]}
        # Object records known beyond the summary (the recorded object-mode answers).
        self.records: dict[str, dict[str, Any]] = {}
        for line in (scout / "object_samples.jsonl").read_text().splitlines():
            if line.strip():
                record = json.loads(line)
                self.records[record["objectName"]] = record
        self._file_mpc = json.loads((scout / "object_ZTF10DD_file_mpc.json").read_text())
        self._file_list = json.loads((scout / "object_ZTF10DC_file_list.json").read_text())
        for extra in (self._file_mpc, self._file_list):
            self.records[extra["objectName"]] = {
                k: v for k, v in extra.items() if k not in ("fileMPC", "file")
            }
        self._orbits = json.loads((scout / "object_A11EBEK_orbits_first50.json").read_text())[
            "orbits"
        ]
        self._ephemeris = json.loads((scout / "ephemeris_6J12821.json").read_text())
        # Per designation, what its ephemeris from a site says ("el", "vmag", "moon" in
        # the median; "sigma-pos", "sun-flag" beside it), on top of the recorded answer.
        self.topocentric: dict[str, dict[str, str | None]] = {}

    # ------------------------------------------------------------------ the NEOCP list

    @property
    def designations(self) -> list[str]:
        return list(self.rows)

    def add(self, designation: str, **fields: Any) -> dict[str, Any]:
        """A new object on the list, shaped like the first recorded row."""
        template = copy.deepcopy(next(iter(self.rows.values())))
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
        template.update(objectName=designation, lastRun=now, **fields)
        self.rows[designation] = template
        return template

    def add_row(self, key: str, **fields: Any) -> dict[str, Any]:
        """A row shaped like the first recorded one, with any fields (also malformed ones,
        e.g. ``objectName=12345``); ``key`` names it for ``remove``."""
        row = copy.deepcopy(next(iter(self.rows.values())))
        row.update(fields)
        self.rows[key] = row
        return row

    def update(self, designation: str, **fields: Any) -> dict[str, Any]:
        """Scout re-ran the object: new observations, scores, a later lastRun."""
        row = self.rows[designation]
        row.update(fields)
        if "lastRun" not in fields:
            row["lastRun"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
        return row

    def remove(self, designation: str) -> None:
        """The object left the NEOCP (designated or withdrawn)."""
        del self.rows[designation]

    def keep_only(self, designations: list[str]) -> None:
        self.rows = {d: self.rows[d] for d in designations}

    # ------------------------------------------------------------------ answers

    def answer(self, recorded: UpstreamRequest) -> web.Response:
        if recorded.path != "/scout.api":
            return web.Response(status=404, text="Not Found")
        if recorded.method not in ("GET", "POST"):
            return web.Response(status=405, text="Method Not Allowed")
        query = recorded.query
        if not query:
            return web.json_response(self.summary())
        if OBJECT_PARAMS & query.keys() and EPHEMERIS_PARAMS & query.keys():
            return self._error_400(
                "mixing object-mode and ephemeris-mode parameters is not allowed"
            )
        designation = query.get("tdes")
        if not designation:
            return self._error_400("tdes is required for this mode")
        record = self.record(designation)
        if record is None:
            return web.json_response({"error": "specified object does not exist"})
        if recorded.mode == "ephemeris":
            return self._ephemeris_answer(record, query)
        return self._object_answer(record, query)

    def degenerate(self, failure: Failure, recorded: UpstreamRequest) -> web.Response:
        if failure is Failure.EMPTY:
            return web.json_response({"signature": SIGNATURE, "count": "0", "data": []})
        # Another API version: the format may have changed; it reads as an empty list.
        return web.json_response(
            {"signature": {**SIGNATURE, "version": "2.0"}, "count": "0", "objects": []}
        )

    def summary(self) -> dict[str, Any]:
        rows = [copy.deepcopy(row) for row in self.rows.values()]
        return {"signature": SIGNATURE, "count": str(len(rows)), "data": rows}

    def record(self, designation: str) -> dict[str, Any] | None:
        found = self.rows.get(designation) or self.records.get(designation)
        return copy.deepcopy(found) if found is not None else None

    def _object_answer(self, record: dict[str, Any], query: dict[str, str]) -> web.Response:
        record["signature"] = SIGNATURE
        file = query.get("file")
        if file == "list":
            size = len(self._file_mpc["fileMPC"])
            record["file"] = {"mpc": {"name": "Observation File (MPC-format)", "size": size}}
        elif file == "mpc":
            record["fileMPC"] = self._file_mpc["fileMPC"].replace(
                "ZTF10DD", record["objectName"][:7]
            )
        elif file is not None and len(file) != 3:
            return self._error_400(
                "invalid value specified for query parameter 'file': file selection parameter "
                "must be 3-characters in length"
            )
        if "plot" in query:
            record.update(self._plots(record, query["plot"]))
        if query.get("orbits") in ("1", "true"):
            record["orbits"] = self._sampled_orbits(query.get("n-orbits"))
        return web.json_response(record)

    def _plots(self, record: dict[str, Any], wanted: str) -> dict[str, str | None]:
        png = base64.b64encode(TINY_PNG).decode()
        plots: dict[str, str | None] = {}
        ca_dist = record.get("caDist")
        close = ca_dist is not None and float(ca_dist) <= 0.5
        for kind in dict.fromkeys(wanted.split(":")):
            for key in PLOT_KEYS.get(kind, []):
                plots[key] = png if kind != "ca" or close else None
        return plots

    def _sampled_orbits(self, n_orbits: str | None) -> dict[str, Any]:
        orbits = copy.deepcopy(self._orbits)
        count = int(n_orbits) if n_orbits and n_orbits.isdigit() else 1000
        orbits["data"] = orbits["data"][: max(1, min(count, len(orbits["data"])))]
        orbits["count"] = str(count)
        return orbits

    def _ephemeris_answer(self, record: dict[str, Any], query: dict[str, str]) -> web.Response:
        try:
            times = _ephemeris_times(query)
        except ValueError as exc:
            return self._error_400(str(exc))
        if len(times) > 500:
            return self._error_400("too many ephemeris records requested (limit 500)")
        answer = copy.deepcopy(self._ephemeris)
        answer["object"] = {k: v for k, v in record.items() if k != "signature"}
        template = answer["eph"]
        answer["eph"] = []
        for index, moment in enumerate(times):
            entry = copy.deepcopy(template[index % len(template)])
            entry["time"] = moment.strftime("%Y-%m-%d %H:%M:%S")
            if query.get("obs-code", "500") != "500":
                self._from_the_site(entry, record["objectName"])
            if "fov-diam" in query:
                # The seed document is cut where it describes this block: an assumed shape.
                entry["fov"] = {"count": "875", "prob": "87.5"}
            answer["eph"].append(entry)
        answer["count"] = len(times)
        return web.json_response(answer)

    def _from_the_site(self, entry: dict[str, Any], designation: str) -> None:
        """A topocentric record: night, 42° up, unless ``topocentric`` says otherwise."""
        entry["sun-flag"] = None
        entry["median"]["el"] = "42"
        for key, value in self.topocentric.get(designation, {}).items():
            if key in ("sun-flag", "sigma-pos"):
                entry[key] = value
            else:
                entry["median"][key] = value

    def _error_400(self, message: str) -> web.Response:
        body = {
            "code": "400",
            "message": message,
            "moreInfo": "https://ssd-api.jpl.nasa.gov/doc/scout.html",
        }
        return web.json_response(body, status=400)


def _parse_time(text: str) -> datetime:
    if text in ("", "now"):
        return datetime.now(UTC).replace(microsecond=0)
    parsed = datetime.fromisoformat(text.replace("_", "T").replace(" ", "T"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _ephemeris_times(query: dict[str, str]) -> list[datetime]:
    start = _parse_time(query.get("eph-start", "now"))
    if "eph-stop" not in query:
        return [start]
    stop = _parse_time(query["eph-stop"])
    if stop <= start:
        raise ValueError("eph-stop must be later than eph-start")
    step_text = query.get("eph-step")
    if not step_text:
        return [start, stop]
    match = re.fullmatch(r"(\d+)([dhm])", step_text)
    if not match or int(match.group(1)) <= 0:
        raise ValueError("invalid value specified for query parameter 'eph-step'")
    unit = {"d": "days", "h": "hours", "m": "minutes"}[match.group(2)]
    step = timedelta(**{unit: int(match.group(1))})
    times, moment = [], start
    while moment <= stop and len(times) <= 501:
        times.append(moment)
        moment += step
    return times


class FakeMpc(_FakeService):
    """The MPC's action-code service (``POST /api/action-codes/retrieve``)."""

    PATH = "/api/action-codes/retrieve"

    def __init__(self) -> None:
        super().__init__()
        # The MPC's answer is "intentionally vacuous"; the code goes by e-mail, never here.
        self.reply: dict[str, Any] = {"message": "request received"}
        self.status = 200

    @property
    def labels(self) -> list[str]:
        return [r.json.get("label") for r in self.requests if isinstance(r.json, dict)]

    def answer(self, recorded: UpstreamRequest) -> web.Response:
        if recorded.path != self.PATH:
            return web.Response(status=404, text="Not Found")
        if recorded.method != "POST":
            return web.json_response({"detail": "Method Not Allowed"}, status=405)
        if not isinstance(recorded.json, dict) or "label" not in recorded.json:
            return web.json_response({"detail": "label is required"}, status=400)
        return web.json_response(self.reply, status=self.status)

    def degenerate(self, failure: Failure, recorded: UpstreamRequest) -> web.Response:
        return web.json_response({} if failure is Failure.EMPTY else {"version": "2.0"})
