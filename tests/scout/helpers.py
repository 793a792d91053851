"""A mocked Scout that counts how many requests it is answering at once."""

from __future__ import annotations

import asyncio

import httpx

from tests.recorded import object_sample, payload

SUMMARY = payload("summary.json")
ZTF10DD = object_sample("ZTF10DD")


class InFlight:
    """A respx side effect: each request is held a moment, and ``peak`` is the most held
    at once. An object request is answered with ZTF10DD's record under the name asked
    for; anything else with the recorded summary."""

    def __init__(self) -> None:
        self.active = 0
        self.peak = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.active += 1
        self.peak = max(self.peak, self.active)
        await asyncio.sleep(0.01)
        self.active -= 1
        if "tdes" in request.url.params:
            return httpx.Response(200, json={**ZTF10DD, "objectName": request.url.params["tdes"]})
        return httpx.Response(200, json=SUMMARY)
