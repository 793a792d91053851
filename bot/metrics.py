"""Prometheus metrics: what the bot did, for an operator's dashboards and alerts.

Always counted (a few integer increments), exposed only when ``metrics.enabled``: an HTTP
endpoint at ``metrics.host:metrics.port`` serving ``/metrics`` from a thread of
prometheus-client's own. Each bot has its own registry, so tests can run several.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    start_http_server,
)

log = logging.getLogger(__name__)

# Upstream answers take from tens of milliseconds (cached Scout pages) to a minute (a large
# orbit sample); commands answer within Discord's 3 s or defer and follow up within minutes.
UPSTREAM_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60)
COMMAND_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60)

POLL_OUTCOMES = ("ok", "first_list", "upstream_error", "rejected", "error")
BUTTON_OUTCOMES = ("ok", "refused", "error")
_STARTED = "scoutbot_started"


class MetricsUnavailable(RuntimeError):
    """The metrics endpoint cannot listen where the configuration says."""


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)  # memory, CPU, open files of the bot
        self.polls = Counter(
            "scoutbot_polls",
            "NEOCP polls of the Scout summary, by outcome",
            ["outcome"],
            registry=self.registry,
        )
        self.events = Counter(
            "scoutbot_neocp_events",
            "NEOCP events found by polls (new, updated, removed)",
            ["kind"],
            registry=self.registry,
        )
        self.deliveries = Counter(
            "scoutbot_deliveries",
            "Alert deliveries to channels: sent, retried (kept queued) or failed (given up)",
            ["result"],
            registry=self.registry,
        )
        self.outbox_depth = Gauge(
            "scoutbot_outbox_depth",
            "Alert deliveries queued and not yet posted, after the last delivery round",
            registry=self.registry,
        )
        self.upstream_latency = Histogram(
            "scoutbot_upstream_request_seconds",
            "Time to an upstream service's answer (its headers), by service",
            ["service"],
            buckets=UPSTREAM_BUCKETS,
            registry=self.registry,
        )
        self.upstream_errors = Counter(
            "scoutbot_upstream_errors",
            "Upstream requests that failed (after retries), by service",
            ["service"],
            registry=self.registry,
        )
        self.command_latency = Histogram(
            "scoutbot_command_seconds",
            "Time from receiving a slash command to its answer, by command and outcome",
            ["command", "outcome"],
            buckets=COMMAND_BUCKETS,
            registry=self.registry,
        )
        self.button_presses = Counter(
            "scoutbot_button_presses",
            "Button presses, by button and outcome (ok; refused: not for this member, server"
            " or button; error: answered with an error)",
            ["button", "outcome"],
            registry=self.registry,
        )
        for outcome in POLL_OUTCOMES:
            self.polls.labels(outcome=outcome)
        for result in ("sent", "retried", "failed"):
            self.deliveries.labels(result=result)
        self._server: Any = None

    # --- what the bot reports -------------------------------------------------------------

    def poll(self, outcome: str) -> None:
        self.polls.labels(outcome=outcome).inc()

    def event(self, kind: str) -> None:
        self.events.labels(kind=kind).inc()

    def delivered(self, *, sent: int, retried: int, failed: int) -> None:
        self.deliveries.labels(result="sent").inc(sent)
        self.deliveries.labels(result="retried").inc(retried)
        self.deliveries.labels(result="failed").inc(failed)

    def button_pressed(self, button: str, outcome: str) -> None:
        self.button_presses.labels(button=button, outcome=outcome).inc()

    def upstream_failed(self, service: str) -> None:
        self.upstream_errors.labels(service=service).inc()

    def command_answered(self, command: str, *, seconds: float, failed: bool) -> None:
        outcome = "error" if failed else "ok"
        self.command_latency.labels(command=command, outcome=outcome).observe(seconds)

    def instrument(self, client: httpx.AsyncClient, services: Mapping[str, str]) -> None:
        """Time every request of ``client``, labelled by the service whose host and port it
        went to (``services`` maps a URL of each service to its label)."""
        by_address = {
            (urlsplit(url).hostname, urlsplit(url).port): name for url, name in services.items()
        }

        async def started(request: httpx.Request) -> None:
            request.extensions[_STARTED] = time.perf_counter()

        async def answered(response: httpx.Response) -> None:
            began = response.request.extensions.get(_STARTED)
            if began is not None:
                url = response.request.url
                service = by_address.get((url.host, url.port), "other")
                self.upstream_latency.labels(service=service).observe(time.perf_counter() - began)

        client.event_hooks["request"].append(started)
        client.event_hooks["response"].append(answered)

    # --- the endpoint ---------------------------------------------------------------------

    def serve(self, host: str, port: int) -> int:
        """Listen on ``host:port`` (0: any free port); returns the port."""
        try:
            self._server, _thread = start_http_server(port, addr=host, registry=self.registry)
        except OSError as exc:
            raise MetricsUnavailable(f"metrics: cannot listen on {host}:{port}: {exc}") from None
        bound = int(self._server.server_port)
        log.info("metrics on http://%s:%d/metrics", host, bound)
        return bound

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
