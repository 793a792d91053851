"""The fake Discord's gateway: HELLO, IDENTIFY -> READY and GUILD_CREATE, heartbeats,
RESUME with replay of missed events, RECONNECT, and the events tests make happen."""

from __future__ import annotations

import contextlib
import json
import secrets
from typing import Any

from aiohttp import WSMsgType, web

from tests.e2e.fake_discord.wire import (
    OP_DISPATCH,
    OP_HEARTBEAT,
    OP_HEARTBEAT_ACK,
    OP_HELLO,
    OP_IDENTIFY,
    OP_INVALID_SESSION,
    OP_RECONNECT,
    OP_RESUME,
)
from tests.e2e.fake_discord.world import World


class Gateway(World):
    """One gateway session at a time, on ``/gateway``."""

    def __init__(self, token: str, heartbeat_interval_ms: int) -> None:
        super().__init__(token)
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.identifies = 0
        self.resumes = 0
        self.heartbeats = 0
        self._socket: web.WebSocketResponse | None = None
        self._session_id: str | None = None
        self._seq = 0
        self._backlog: list[dict[str, Any]] = []

    @property
    def gateway_url(self) -> str:
        """What DiscordWebSocket.DEFAULT_GATEWAY must be."""
        return self.url.replace("http://", "ws://") + "/gateway"

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a gateway event; kept for replay if the session is between connections."""
        self._seq += 1
        message = {"op": OP_DISPATCH, "t": event, "s": self._seq, "d": data}
        self._backlog.append(message)
        if self._socket is not None and not self._socket.closed:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self._socket.send_str(json.dumps(message))

    async def request_reconnect(self) -> None:
        """Ask the bot to reconnect and resume (gateway opcode 7), as Discord does at times."""
        if self._socket is not None:
            await self._socket.send_str(json.dumps({"op": OP_RECONNECT, "d": None}))

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        await socket.send_str(
            json.dumps({"op": OP_HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        )
        try:
            async for message in socket:
                if message.type is not WSMsgType.TEXT:
                    continue
                packet = json.loads(message.data)
                await self._on_gateway_packet(socket, packet)
        finally:
            if self._socket is socket:
                self._socket = None
            await self._notify()
        return socket

    async def _on_gateway_packet(
        self, socket: web.WebSocketResponse, packet: dict[str, Any]
    ) -> None:
        op, data = packet.get("op"), packet.get("d")
        if op == OP_HEARTBEAT:
            self.heartbeats += 1
            await socket.send_str(json.dumps({"op": OP_HEARTBEAT_ACK}))
        elif op == OP_IDENTIFY:
            if data.get("token") != self.token:
                await socket.close(code=4004, message=b"Authentication failed.")
                return
            self.identifies += 1
            self._session_id = secrets.token_hex(16)
            self._seq = 0
            self._backlog = []
            self._socket = socket
            await self.dispatch("READY", self._ready_payload())
            for guild in self.guilds.values():
                if guild.joined:
                    await self.dispatch("GUILD_CREATE", self._guild_payload(guild))
        elif op == OP_RESUME:
            if data.get("session_id") != self._session_id or data.get("token") != self.token:
                await socket.send_str(json.dumps({"op": OP_INVALID_SESSION, "d": False}))
                return
            self.resumes += 1
            self._socket = socket
            missed = [m for m in self._backlog if m["s"] > (data.get("seq") or 0)]
            for message in missed:
                await socket.send_str(json.dumps(message))
            await self.dispatch("RESUMED", {})
        await self._notify()

    def _ready_payload(self) -> dict[str, Any]:
        user = self.bot_user.payload() | {"verified": True, "mfa_enabled": False, "flags": 0}
        return {
            "v": 10,
            "user": user,
            "guilds": [
                {"id": str(g.id), "unavailable": True} for g in self.guilds.values() if g.joined
            ],
            "session_id": self._session_id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "session_type": "normal",
            "auth_session_id_hash": "",
            "_trace": ["fake-discord"],
        }
