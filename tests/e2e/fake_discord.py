"""A fake Discord on 127.0.0.1: enough REST API v10 and gateway for discord.py 2.7.

It plays Discord's part for the real bot process: it answers the login and application
calls, keeps the slash commands the bot syncs, runs a gateway session (HELLO, IDENTIFY ->
READY and GUILD_CREATE, heartbeats, RESUME with replay of missed events, RECONNECT), takes
interaction callbacks, followups and their edits, channel messages (JSON or multipart with
files) and guild leaves, and answers 403/404/429 on demand. Tests inject slash commands,
autocomplete and button clicks and read back everything the bot sent.

Nothing here imports discord.py: the fake must not share the library's assumptions about
the wire format it is there to check. Payload shapes follow Discord's API documentation and
what discord.py 2.7.1 reads (`http.py`, `gateway.py`, `state.py`, `interactions.py`,
`webhook/async_.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import itertools
import json
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiohttp import WSMsgType, web

API_PREFIX = "/api/v10"
DISCORD_EPOCH_MS = 1420070400000
DEFAULT_TIMEOUT = 15.0  # seconds: an upper bound for a failing wait, never a pace
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024

# Permission bits (https://discord.com/developers/docs/topics/permissions).
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_APPLICATION_COMMANDS = 1 << 31
MEMBER_PERMISSIONS = (
    VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_MESSAGE_HISTORY
) | USE_APPLICATION_COMMANDS
BOT_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_MESSAGE_HISTORY

# Gateway opcodes.
OP_DISPATCH, OP_HEARTBEAT, OP_IDENTIFY, OP_RESUME, OP_RECONNECT = 0, 1, 2, 6, 7
OP_INVALID_SESSION, OP_HELLO, OP_HEARTBEAT_ACK = 9, 10, 11

# Interaction and callback types.
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE = 1, 2, 3, 4
CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE = 4, 5, 6
UPDATE_MESSAGE, AUTOCOMPLETE_RESULT, MODAL = 7, 8, 9
EPHEMERAL_FLAG, LOADING_FLAG = 1 << 6, 1 << 7

# Option types of application commands.
SUB_COMMAND, SUB_COMMAND_GROUP, STRING, INTEGER, BOOLEAN = 1, 2, 3, 4, 5
USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 6, 7, 8, 9, 10

T = TypeVar("T")


class FakeDiscordError(AssertionError):
    """The test asked the fake for something real Discord would never send or allow."""


def _snowflakes() -> Callable[[], int]:
    counter = itertools.count(1)

    def next_id() -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (next(counter) & 0x3FFFFF)

    return next_id


def _iso(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).isoformat()


def _json_response(
    payload: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # discord.py parses a body as JSON only when Content-Type is exactly "application/json";
    # aiohttp's json_response would add "; charset=utf-8".
    return web.Response(
        status=status,
        body=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


# --------------------------------------------------------------------------- the world


@dataclass
class FakeRole:
    id: int
    name: str
    permissions: int = 0
    mentionable: bool = True
    position: int = 1
    managed: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
            "icon": None,
            "unicode_emoji": None,
        }


@dataclass
class FakeChannel:
    id: int
    name: str
    guild_id: int
    position: int = 0
    type: int = 0  # GUILD_TEXT
    # Members or roles denied a permission here: {target id: (type 0 role / 1 member, deny)}
    denies: dict[int, tuple[int, int]] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "topic": None,
            "nsfw": False,
            "parent_id": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
            "permission_overwrites": [
                {"id": str(target), "type": kind, "allow": "0", "deny": str(deny)}
                for target, (kind, deny) in self.denies.items()
            ],
        }


@dataclass
class FakeGuild:
    id: int
    name: str
    channels: dict[int, FakeChannel] = field(default_factory=dict)
    roles: dict[int, FakeRole] = field(default_factory=dict)
    system_channel_id: int | None = None
    joined: bool = True  # False once the bot has left it

    def channel(self, name: str) -> FakeChannel:
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        raise FakeDiscordError(f"no channel #{name} in guild {self.name}")

    def role(self, name: str) -> FakeRole:
        for role in self.roles.values():
            if role.name == name:
                return role
        raise FakeDiscordError(f"no role {name} in guild {self.name}")


@dataclass
class FakeUser:
    id: int
    name: str
    bot: bool = False
    role_ids: tuple[int, ...] = ()  # the member's roles, in whichever server has them

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


@dataclass
class RecordedFile:
    filename: str
    content_type: str | None
    data: bytes

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


@dataclass
class RecordedRequest:
    seq: int
    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    json: Any
    files: list[RecordedFile]
    status: int = 0

    def __str__(self) -> str:
        return f"#{self.seq} {self.method} {self.path} -> {self.status}"


@dataclass
class FakeMessage:
    """A message the bot created: in a channel, as an interaction response or followup."""

    id: int
    channel_id: int
    guild_id: int | None
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    files: list[RecordedFile] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: dict[str, Any] | None = None
    interaction_id: int | None = None
    webhook_id: int | None = None
    nonce: str | int | None = None
    deleted: bool = False
    edits: int = 0
    created: float = field(default_factory=time.monotonic)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL_FLAG)

    @property
    def loading(self) -> bool:
        """Still the "is thinking..." placeholder of a deferred interaction."""
        return bool(self.flags & LOADING_FLAG)

    @property
    def text(self) -> str:
        """Everything a reader sees, as one string: content, embeds, button labels."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title", ""), embed.get("description", "")]
            for item in embed.get("fields", []):
                parts += [item.get("name", ""), item.get("value", "")]
            parts += [
                embed.get("footer", {}).get("text", ""),
                embed.get("author", {}).get("name", ""),
            ]
        parts += [button.get("label", "") for button in self.buttons]
        return "\n".join(part for part in parts if part)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        stack = list(self.components)
        while stack:
            component = stack.pop(0)
            if component.get("type") == 2:
                found.append(component)
            stack[0:0] = component.get("components", [])
        return found

    def file(self, suffix: str) -> RecordedFile:
        for recorded in self.files:
            if recorded.filename.endswith(suffix):
                return recorded
        raise AssertionError(f"no *{suffix} attachment in {[f.filename for f in self.files]}")

    def apply(
        self, body: dict[str, Any], files: list[RecordedFile], next_id: Callable[[], int]
    ) -> None:
        """Create or edit from a message body as discord.py sends it."""
        if "content" in body:
            self.content = body["content"] or ""
        if "embeds" in body:
            self.embeds = body["embeds"] or []
        if "components" in body:
            self.components = body["components"] or []
        if "flags" in body and body["flags"] is not None:
            # Ephemeral and loading are fixed at creation; an edit keeps them apart from LOADING.
            self.flags = (self.flags & EPHEMERAL_FLAG) | (int(body["flags"]) & ~LOADING_FLAG)
        if "allowed_mentions" in body:
            self.allowed_mentions = body["allowed_mentions"]
        if "attachments" in body or files:
            self._apply_attachments(body.get("attachments", []), files, next_id)

    def _apply_attachments(
        self, listed: list[dict[str, Any]], files: list[RecordedFile], next_id: Callable[[], int]
    ) -> None:
        kept_ids = {str(item.get("id")) for item in listed}
        kept = [
            (att, rec)
            for att, rec in zip(self.attachments, self.files, strict=True)
            if att["id"] in kept_ids
        ]
        self.attachments = [att for att, _ in kept]
        self.files = [rec for _, rec in kept]
        for recorded in files:
            attachment_id = str(next_id())
            self.attachments.append(
                {
                    "id": attachment_id,
                    "filename": recorded.filename,
                    "size": len(recorded.data),
                    "url": f"https://cdn.fake/attachments/{self.channel_id}/{attachment_id}/{recorded.filename}",
                    "proxy_url": f"https://media.fake/attachments/{self.channel_id}/{attachment_id}/{recorded.filename}",
                    "content_type": recorded.content_type,
                }
            )
            self.files.append(recorded)

    def payload(self, author: FakeUser, application_id: int) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": author.payload(),
            "content": self.content,
            "timestamp": _iso(),
            "edited_timestamp": _iso() if self.edits else None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self.attachments,
            "embeds": self.embeds,
            "components": self.components,
            "pinned": False,
            "type": 20 if self.interaction_id else 0,
            "flags": self.flags,
        }
        if self.nonce is not None:
            data["nonce"] = self.nonce
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
            data["application_id"] = str(application_id)
        return data


@dataclass
class FakeInteraction:
    """An interaction the fake sent to the bot, and what the bot did with it."""

    id: int
    token: str
    type: int
    guild_id: int | None
    channel_id: int
    user: FakeUser
    payload: dict[str, Any]
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    original_id: int | None = None  # the message "@original" names, once there is one
    source_id: int | None = None  # the message whose button was clicked
    followup_ids: list[int] = field(default_factory=list)

    @property
    def callback_types(self) -> list[int]:
        return [callback["type"] for callback in self.callbacks]


@dataclass
class Fault:
    """An answer the fake gives instead of the normal one, for matching requests."""

    method: str
    path_glob: str
    status: int
    times: int | None  # None: until removed
    retry_after: float = 0.05
    body: dict[str, Any] | None = None
    hits: int = 0
    hold: bool = False  # handle the request normally, but answer only once released
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def matches(self, method: str, path: str) -> bool:
        return (self.times is None or self.hits < self.times) and (
            self.method in ("*", method) and fnmatch.fnmatchcase(path, self.path_glob)
        )

    def response(self) -> web.Response:
        if self.status == 429:
            # discord.py retries a 429 only when it has a Via header (else it blames
            # Cloudflare) and a JSON body with retry_after.
            return _json_response(
                self.body
                or {
                    "message": "You are being rate limited.",
                    "retry_after": self.retry_after,
                    "global": False,
                },
                429,
                {
                    "Via": "1.1 google",
                    "Retry-After": str(max(1, round(self.retry_after))),
                    "X-RateLimit-Limit": "5",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset-After": str(self.retry_after),
                    "X-RateLimit-Bucket": "fake-bucket",
                    "X-RateLimit-Scope": "user",
                },
            )
        default = {
            403: {"message": "Missing Permissions", "code": 50013},
            404: {"message": "Unknown Channel", "code": 10003},
        }.get(self.status, {"message": f"{self.status}: fake failure", "code": 0})
        return _json_response(self.body or default, self.status)


# --------------------------------------------------------------------------- the server


class FakeDiscord:
    """Discord's REST API and gateway for one bot, on 127.0.0.1."""

    def __init__(self, token: str = "fake.bot.token", heartbeat_interval_ms: int = 41250) -> None:
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.next_id = _snowflakes()
        self.application_id = self.next_id()
        self.bot_user = FakeUser(self.application_id, "scout-bot", bot=True)
        self.owner = FakeUser(self.next_id(), "operator")
        self.guilds: dict[int, FakeGuild] = {}
        self.requests: list[RecordedRequest] = []
        self.unhandled: list[RecordedRequest] = []
        self.messages: dict[int, FakeMessage] = {}
        self.interactions: dict[int, FakeInteraction] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {}  # guild id (None: global)
        self.faults: list[Fault] = []
        self.identifies = 0
        self.resumes = 0
        self.heartbeats = 0
        self._command_ids: dict[tuple[int | None, str], int] = {}
        self._changed = asyncio.Condition()
        self._socket: web.WebSocketResponse | None = None
        self._session_id: str | None = None
        self._seq = 0
        self._backlog: list[dict[str, Any]] = []
        self._runner: web.AppRunner | None = None
        self.url = ""

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def rest_base(self) -> str:
        """What discord.http.Route.BASE must be."""
        return self.url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """What DiscordWebSocket.DEFAULT_GATEWAY must be."""
        return self.url.replace("http://", "ws://") + "/gateway"

    # ------------------------------------------------------------------ the world

    def add_guild(
        self,
        guild_id: int,
        name: str,
        channels: list[str],
        roles: Sequence[str] = (),
        *,
        bot_permissions: int = BOT_PERMISSIONS,
        channel_ids: dict[str, int] | None = None,
        role_ids: dict[str, int] | None = None,
        role_permissions: dict[str, int] | None = None,
    ) -> FakeGuild:
        """A server the bot is in from the start (sent in READY); see `join` for later ones."""
        guild = FakeGuild(guild_id, name)
        # The @everyone role has the guild's id.
        guild.roles[guild_id] = FakeRole(guild_id, "@everyone", MEMBER_PERMISSIONS, position=0)
        bot_role = FakeRole(
            self.next_id(), "scout-bot", bot_permissions, mentionable=False, managed=True
        )
        guild.roles[bot_role.id] = bot_role
        for role_name in roles:
            role = FakeRole(
                (role_ids or {}).get(role_name) or self.next_id(),
                role_name,
                (role_permissions or {}).get(role_name, 0),
            )
            guild.roles[role.id] = role
        ids = channel_ids or {}
        for position, channel_name in enumerate(channels):
            channel = FakeChannel(
                ids.get(channel_name) or self.next_id(), channel_name, guild_id, position
            )
            guild.channels[channel.id] = channel
        guild.system_channel_id = next(iter(guild.channels), None)
        self.guilds[guild_id] = guild
        return guild

    async def join(self, guild: FakeGuild) -> None:
        """The bot is added to a server while it runs (GUILD_CREATE in the session)."""
        guild.joined = True
        self.guilds[guild.id] = guild
        payload = self._guild_payload(guild)
        # A join carries no "unavailable" key; with it, discord.py takes the event for an
        # outage ending (guild_available) rather than a join (guild_join).
        del payload["unavailable"]
        await self.dispatch("GUILD_CREATE", payload)

    def channel(self, channel_id: int) -> FakeChannel:
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                return guild.channels[channel_id]
        raise FakeDiscordError(f"no channel {channel_id}")

    async def forbid_channel(self, channel_id: int) -> None:
        """Take Send Messages from the bot in a channel, as a server admin would."""
        channel = self.channel(channel_id)
        channel.denies[self.bot_user.id] = (1, SEND_MESSAGES)
        await self.dispatch("CHANNEL_UPDATE", channel.payload())

    async def delete_channel(self, channel_id: int) -> None:
        channel = self.channel(channel_id)
        del self.guilds[channel.guild_id].channels[channel_id]
        await self.dispatch("CHANNEL_DELETE", channel.payload())

    def fail(
        self,
        route: str,
        status: int,
        *,
        times: int | None = 1,
        retry_after: float = 0.05,
        body: dict[str, Any] | None = None,
    ) -> Fault:
        """Answer `status` to requests matching `route` ("POST /channels/*/messages")."""
        method, _, glob = route.partition(" ")
        fault = Fault(method, glob, status, times, retry_after, body)
        self.faults.append(fault)
        return fault

    def hold(self, route: str, *, times: int | None = 1) -> Fault:
        """Carry out requests matching `route` but keep the bot waiting for the answer until
        ``fault.released.set()``: what Discord did, the bot has not heard of yet."""
        method, _, glob = route.partition(" ")
        fault = Fault(method, glob, 0, times, hold=True)
        self.faults.append(fault)
        return fault

    def _guild_payload(self, guild: FakeGuild) -> dict[str, Any]:
        bot_role_ids = [str(r.id) for r in guild.roles.values() if r.name == "scout-bot"]
        return {
            "id": str(guild.id),
            "name": guild.name,
            "unavailable": False,
            "icon": None,
            "owner_id": str(self.owner.id),
            "member_count": 3,
            "large": False,
            "joined_at": _iso(),
            "features": [],
            "preferred_locale": "en-US",
            "system_channel_id": str(guild.system_channel_id) if guild.system_channel_id else None,
            "roles": [role.payload() for role in guild.roles.values()],
            "channels": [channel.payload() for channel in guild.channels.values()],
            "threads": [],
            "members": [
                {
                    "user": self.bot_user.payload(),
                    "roles": bot_role_ids,
                    "joined_at": _iso(),
                    "deaf": False,
                    "mute": False,
                    "flags": 0,
                }
            ],
            "emojis": [],
            "stickers": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    def bot_permissions_in(self, channel: FakeChannel) -> int:
        guild = self.guilds[channel.guild_id]
        base = guild.roles[guild.id].permissions
        for role in guild.roles.values():
            if role.name == "scout-bot":
                base |= role.permissions
        for target, (_, deny) in channel.denies.items():
            if target in (self.bot_user.id, guild.id) or target in guild.roles:
                base &= ~deny
        return base

    # ------------------------------------------------------------------ waiting

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(
        self, probe: Callable[[], T | None], what: str, within: float = DEFAULT_TIMEOUT
    ) -> T:
        """Wait until `probe()` returns something true (not None, False, 0 or empty); return it."""
        deadline = time.monotonic() + within
        async with self._changed:
            while True:
                value = probe()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    recent = "\n  ".join(str(r) for r in self.requests[-15:])
                    raise AssertionError(
                        f"fake Discord: gave up waiting for {what}; last requests:\n  {recent}"
                    )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)

    def requests_to(self, route: str) -> list[RecordedRequest]:
        method, _, glob = route.partition(" ")
        return [
            r
            for r in self.requests
            if method in ("*", r.method) and fnmatch.fnmatchcase(r.path, glob)
        ]

    def channel_messages(self, channel_id: int) -> list[FakeMessage]:
        """Messages the bot posted in a channel (not interaction answers), oldest first."""
        return [
            m
            for m in self.messages.values()
            if m.channel_id == channel_id and m.interaction_id is None and not m.deleted
        ]

    async def wait_channel_messages(
        self, channel_id: int, count: int, within: float = DEFAULT_TIMEOUT
    ) -> list[FakeMessage]:
        def probe() -> list[FakeMessage] | None:
            found = self.channel_messages(channel_id)
            return found if len(found) >= count else None

        return await self.wait_for(probe, f"{count} messages in channel {channel_id}", within)

    def answers(self, interaction: FakeInteraction) -> list[FakeMessage]:
        """What the user sees of the bot's answers to an interaction, in order."""
        ids = (
            [interaction.original_id] if interaction.original_id else []
        ) + interaction.followup_ids
        return [
            self.messages[i]
            for i in ids
            if not self.messages[i].deleted and not self.messages[i].loading
        ]

    async def answer(
        self, interaction: FakeInteraction, count: int = 1, within: float = DEFAULT_TIMEOUT
    ) -> FakeMessage:
        """Wait until the bot has answered `count` times; return the latest answer."""

        def probe() -> FakeMessage | None:
            shown = self.answers(interaction)
            return shown[-1] if len(shown) >= count else None

        return await self.wait_for(probe, f"an answer to interaction {interaction.id}", within)

    async def choices(
        self, interaction: FakeInteraction, within: float = DEFAULT_TIMEOUT
    ) -> list[dict[str, Any]]:
        """The choices the bot offered to an autocomplete interaction."""

        def probe() -> list[dict[str, Any]] | None:
            for callback in interaction.callbacks:
                if callback["type"] == AUTOCOMPLETE_RESULT:
                    return list(callback.get("data", {}).get("choices", []))
            return None

        return await self.wait_for(probe, f"autocomplete choices for {interaction.id}", within)

    # ------------------------------------------------------------------ injecting interactions

    def command_schema(self, name: str, guild_id: int | None) -> tuple[dict[str, Any], int | None]:
        """The synced top-level command `name`, and the guild it was synced to (None: global)."""
        for scope in (guild_id, None):
            for command in self.commands.get(scope, []):
                if command["name"] == name:
                    return command, scope
        # Synced only to a development server: elsewhere (a DM, another server) treat it as the
        # global command it is in production after `scout-bot sync`.
        for commands in self.commands.values():
            for command in commands:
                if command["name"] == name:
                    return command, None
        raise FakeDiscordError(f"the bot has not synced a command /{name}")

    def has_command(self, path: str) -> bool:
        """Whether "/scout object" (or "about") is among the synced commands, in any scope."""
        words = path.strip("/").split()
        for commands in self.commands.values():
            for command in commands:
                if command["name"] != words[0]:
                    continue
                options = command.get("options", [])
                for word in words[1:]:
                    found = next(
                        (
                            o
                            for o in options
                            if o["name"] == word and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)
                        ),
                        None,
                    )
                    if found is None:
                        break
                    options = found.get("options", [])
                else:
                    return True
        return False

    async def slash(
        self,
        command: str,
        *,
        guild_id: int | None,
        channel_id: int,
        user: FakeUser | None = None,
        permissions: int = MEMBER_PERMISSIONS,
        **options: Any,
    ) -> FakeInteraction:
        """Send "/scout object designation:X" as a user would. Options are validated against
        the synced schema the way Discord's client does, so a test cannot send what Discord never
        would."""
        data = self._command_data(command, guild_id, options, focused=None)
        return await self._interact(
            APPLICATION_COMMAND, data, guild_id, channel_id, user, permissions
        )

    async def autocomplete(
        self,
        command: str,
        focused: str,
        typed: str,
        *,
        guild_id: int | None,
        channel_id: int,
        user: FakeUser | None = None,
        **options: Any,
    ) -> FakeInteraction:
        """The user is typing `typed` into option `focused` of `command`."""
        data = self._command_data(command, guild_id, {**options, focused: typed}, focused=focused)
        return await self._interact(
            AUTOCOMPLETE, data, guild_id, channel_id, user, MEMBER_PERMISSIONS
        )

    async def click(
        self,
        message: FakeMessage,
        label: str | None = None,
        *,
        custom_id: str | None = None,
        user: FakeUser | None = None,
        permissions: int = MEMBER_PERMISSIONS,
    ) -> FakeInteraction:
        """Click a button on a message the bot sent, found by its label or custom id."""
        button = next(
            (
                b
                for b in message.buttons
                if (label is not None and b.get("label") == label)
                or (custom_id is not None and b.get("custom_id") == custom_id)
            ),
            None,
        )
        if button is None:
            labels = [b.get("label") for b in message.buttons]
            raise FakeDiscordError(
                f"no button {label or custom_id!r} on the message; it has {labels}"
            )
        if button.get("disabled"):
            raise FakeDiscordError(f"button {label or custom_id!r} is disabled")
        if "custom_id" not in button:
            raise FakeDiscordError(f"button {label!r} is a link, not something the bot hears")
        data = {"custom_id": button["custom_id"], "component_type": 2}
        extra = {"message": message.payload(self.bot_user, self.application_id)}
        return await self._interact(
            MESSAGE_COMPONENT,
            data,
            message.guild_id,
            message.channel_id,
            user,
            permissions,
            extra,
            message.id,
        )

    def _command_data(
        self, command: str, guild_id: int | None, given: dict[str, Any], focused: str | None
    ) -> dict[str, Any]:
        words = command.strip("/").split()
        schema, scope = self.command_schema(words[0], guild_id)
        data: dict[str, Any] = {"id": schema["id"], "name": schema["name"], "type": 1}
        if scope is not None:
            data["guild_id"] = str(scope)
        resolved: dict[str, dict[str, Any]] = {}
        container: dict[str, Any] = data
        options_schema = schema.get("options", [])
        for word in words[1:]:
            sub = next((o for o in options_schema if o["name"] == word), None)
            if sub is None or sub["type"] not in (SUB_COMMAND, SUB_COMMAND_GROUP):
                raise FakeDiscordError(f"/{words[0]} has no subcommand {word!r}")
            node: dict[str, Any] = {"name": word, "type": sub["type"], "options": []}
            container.setdefault("options", []).append(node)
            container, options_schema = node, sub.get("options", [])
        if any(o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in options_schema):
            raise FakeDiscordError(f"/{command} needs a subcommand")
        values = []
        for name, value in given.items():
            if value is None:
                continue
            option = next((o for o in options_schema if o["name"] == name), None)
            if option is None:
                known = [o["name"] for o in options_schema]
                raise FakeDiscordError(f"/{command} has no option {name!r} (it has {known})")
            values.append(self._option_value(option, value, guild_id, resolved, focused == name))
        for option in options_schema:
            if option.get("required") and option["name"] not in given and focused is None:
                raise FakeDiscordError(f"/{command} needs option {option['name']!r}")
        container["options"] = values
        if resolved:
            data["resolved"] = resolved
        return data

    def _option_value(
        self,
        option: dict[str, Any],
        value: Any,
        guild_id: int | None,
        resolved: dict[str, dict[str, Any]],
        focused: bool,
    ) -> dict[str, Any]:
        kind, name = option["type"], option["name"]
        entry: dict[str, Any] = {"name": name, "type": kind}
        if focused:
            # Discord sends what has been typed so far, as a string, whatever the type.
            entry.update(value=str(value), focused=True)
            return entry
        if kind == CHANNEL:
            channel = value if isinstance(value, FakeChannel) else self.channel(int(value))
            payload = channel.payload()
            payload["permissions"] = str(MEMBER_PERMISSIONS)
            resolved.setdefault("channels", {})[str(channel.id)] = payload
            entry["value"] = str(channel.id)
            return entry
        if kind == ROLE:
            role = value if isinstance(value, FakeRole) else None
            if role is None:
                raise FakeDiscordError(f"option {name!r} takes a FakeRole")
            resolved.setdefault("roles", {})[str(role.id)] = role.payload()
            entry["value"] = str(role.id)
            return entry
        if kind == STRING:
            if not isinstance(value, str):
                raise FakeDiscordError(f"option {name!r} takes text")
            low, high = option.get("min_length", 0), option.get("max_length", 6000)
            if not low <= len(value) <= high:
                raise FakeDiscordError(f"Discord refuses {name}={value!r}: length {low}..{high}")
        elif kind == INTEGER:
            if not isinstance(value, int) or isinstance(value, bool):
                raise FakeDiscordError(f"option {name!r} takes a whole number")
        elif kind == NUMBER:
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise FakeDiscordError(f"option {name!r} takes a number")
        elif kind == BOOLEAN and not isinstance(value, bool):
            raise FakeDiscordError(f"option {name!r} takes true or false")
        if kind in (INTEGER, NUMBER):
            low, high = option.get("min_value"), option.get("max_value")
            if (low is not None and value < low) or (high is not None and value > high):
                raise FakeDiscordError(f"Discord refuses {name}={value}: range {low}..{high}")
        choices = option.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            raise FakeDiscordError(f"Discord refuses {name}={value!r}: not one of the choices")
        entry["value"] = value
        return entry

    async def _interact(
        self,
        kind: int,
        data: dict[str, Any],
        guild_id: int | None,
        channel_id: int,
        user: FakeUser | None,
        permissions: int,
        extra: dict[str, Any] | None = None,
        source_id: int | None = None,
    ) -> FakeInteraction:
        user = user or FakeUser(424242424242424242, "observer")
        interaction_id = self.next_id()
        token = "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(24)
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "token": token,
            "version": 1,
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            **(extra or {}),
        }
        if guild_id is not None:
            guild = self.guilds.get(guild_id)
            channel = guild.channels.get(channel_id) if guild else None
            channel_payload = (
                channel.payload()
                if channel
                else {
                    "id": str(channel_id),
                    "type": 0,
                    "name": "unknown",
                    "guild_id": str(guild_id),
                }
            )
            channel_payload["permissions"] = str(permissions)
            payload.update(
                guild_id=str(guild_id),
                guild={"id": str(guild_id), "locale": "en-US", "features": []},
                guild_locale="en-US",
                channel_id=str(channel_id),
                channel=channel_payload,
                context=0,
                authorizing_integration_owners={"0": str(guild_id)},
                app_permissions=str(
                    self.bot_permissions_in(channel) if channel else BOT_PERMISSIONS
                ),
                member={
                    "user": user.payload(),
                    "roles": [str(r) for r in user.role_ids if guild and r in guild.roles],
                    "permissions": str(permissions),
                    "joined_at": _iso(),
                    "deaf": False,
                    "mute": False,
                    "flags": 0,
                    "pending": False,
                },
            )
        else:
            payload.update(
                channel_id=str(channel_id),
                channel={"id": str(channel_id), "type": 1, "recipients": [user.payload()]},
                context=1,
                authorizing_integration_owners={"1": str(user.id)},
                app_permissions=str(BOT_PERMISSIONS),
                user=user.payload(),
            )
        interaction = FakeInteraction(
            interaction_id,
            token,
            kind,
            guild_id,
            channel_id,
            user,
            payload,
            source_id=source_id,
        )
        self.interactions[interaction_id] = interaction
        await self.dispatch("INTERACTION_CREATE", payload)
        return interaction

    # ------------------------------------------------------------------ gateway

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

    # ------------------------------------------------------------------ REST

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body, files = await self._read_body(request)
        recorded = RecordedRequest(
            len(self.requests) + 1, request.method, path, dict(request.query), body, files
        )
        self.requests.append(recorded)
        try:
            response = await self._route(request, recorded)
        except _HttpAnswer as answer:
            response = answer.response
        recorded.status = response.status
        await self._notify()
        return response

    async def _read_body(self, request: web.Request) -> tuple[Any, list[RecordedFile]]:
        if request.content_type.startswith("multipart/"):
            body: Any = None
            files: list[RecordedFile] = []
            reader = await request.multipart()
            async for part in reader:
                if part.name == "payload_json":
                    body = json.loads(await part.text())
                else:
                    data = await part.read(decode=False)
                    files.append(
                        RecordedFile(
                            part.filename or part.name or "",
                            part.headers.get("Content-Type"),
                            bytes(data),
                        )
                    )
            return body, files
        raw = await request.read()
        if not raw:
            return None, []
        try:
            return json.loads(raw), []
        except ValueError:
            return raw.decode(errors="replace"), []

    async def _route(self, request: web.Request, recorded: RecordedRequest) -> web.Response:
        method, path = recorded.method, recorded.path
        held: Fault | None = None
        for fault in self.faults:
            if fault.matches(method, path):
                fault.hits += 1
                if not fault.hold:
                    return fault.response()
                held = fault
                break
        if held is not None:
            await self._notify()
            response = await self._handle(request, recorded, method, path)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(held.released.wait(), 120)
            return response
        return await self._handle(request, recorded, method, path)

    async def _handle(
        self, request: web.Request, recorded: RecordedRequest, method: str, path: str
    ) -> web.Response:
        for route_method, pattern, handler in self._routes():
            if route_method != method:
                continue
            match = re.fullmatch(pattern, path)
            if match:
                if not self._authorized(request, path):
                    return _json_response({"message": "401: Unauthorized", "code": 0}, 401)
                return await handler(recorded, *match.groups())
        self.unhandled.append(recorded)
        return _json_response(
            {"message": f"fake Discord: no route {method} {path}", "code": 0}, 404
        )

    def _authorized(self, request: web.Request, path: str) -> bool:
        # Interaction callbacks and webhooks are authorised by their token in the path.
        if path.startswith(("/interactions/", "/webhooks/")):
            return True
        return request.headers.get("Authorization") == f"Bot {self.token}"

    def _routes(self) -> list[tuple[str, str, Callable[..., Awaitable[web.Response]]]]:
        return [
            ("GET", r"/gateway(?:/bot)?", self._get_gateway),
            ("GET", r"/users/@me", self._get_me),
            ("GET", r"/oauth2/applications/@me", self._get_application),
            ("GET", r"/applications/@me", self._get_application),
            ("PUT", r"/applications/(\d+)/commands", self._put_commands),
            ("GET", r"/applications/(\d+)/commands", self._get_commands),
            ("PUT", r"/applications/(\d+)/guilds/(\d+)/commands", self._put_commands),
            ("GET", r"/applications/(\d+)/guilds/(\d+)/commands", self._get_commands),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self._post_callback),
            ("POST", r"/webhooks/(\d+)/([^/]+)", self._post_followup),
            ("GET", r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)", self._get_webhook_message),
            (
                "PATCH",
                r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)",
                self._patch_webhook_message,
            ),
            (
                "DELETE",
                r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)",
                self._delete_webhook_message,
            ),
            ("GET", r"/channels/(\d+)", self._get_channel),
            ("GET", r"/channels/(\d+)/messages", self._get_channel_messages),
            ("POST", r"/channels/(\d+)/messages", self._post_channel_message),
            ("PATCH", r"/channels/(\d+)/messages/(\d+)", self._patch_channel_message),
            ("DELETE", r"/channels/(\d+)/messages/(\d+)", self._delete_channel_message),
            ("DELETE", r"/users/@me/guilds/(\d+)", self._leave_guild),
        ]

    async def _get_gateway(self, _: RecordedRequest) -> web.Response:
        return _json_response(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    async def _get_me(self, _: RecordedRequest) -> web.Response:
        return _json_response(
            self.bot_user.payload() | {"verified": True, "mfa_enabled": False, "flags": 0}
        )

    async def _get_application(self, _: RecordedRequest) -> web.Response:
        return _json_response(
            {
                "id": str(self.application_id),
                "name": "scout-bot",
                "description": "",
                "icon": None,
                "bot_public": False,
                "bot_require_code_grant": False,
                "owner": self.owner.payload(),
                "verify_key": "0" * 64,
                "flags": 0,
                "team": None,
                "summary": "",
                "interactions_endpoint_url": None,
                "bot": self.bot_user.payload(),
            }
        )

    async def _put_commands(
        self, recorded: RecordedRequest, app_id: str, guild_id: str | None = None
    ) -> web.Response:
        scope = int(guild_id) if guild_id else None
        if int(app_id) != self.application_id:
            return _json_response({"message": "Unknown Application", "code": 10002}, 404)
        synced = []
        for command in recorded.json or []:
            key = (scope, command["name"])
            command_id = self._command_ids.setdefault(key, self.next_id())
            entry = {
                "type": 1,
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
                **command,
                "id": str(command_id),
                "application_id": str(self.application_id),
                "version": str(self.next_id()),
            }
            if scope is not None:
                entry["guild_id"] = str(scope)
            synced.append(entry)
        self.commands[scope] = synced
        return _json_response(synced)

    async def _get_commands(
        self, _: RecordedRequest, app_id: str, guild_id: str | None = None
    ) -> web.Response:
        return _json_response(self.commands.get(int(guild_id) if guild_id else None, []))

    def _interaction(self, interaction_id: str | None, token: str) -> FakeInteraction:
        for interaction in self.interactions.values():
            if interaction.token == token and (
                interaction_id is None or interaction.id == int(interaction_id)
            ):
                return interaction
        raise _HttpAnswer(_json_response({"message": "Unknown interaction", "code": 10062}, 404))

    def _new_message(
        self, interaction: FakeInteraction | None, channel_id: int, guild_id: int | None
    ) -> FakeMessage:
        message = FakeMessage(
            self.next_id(),
            channel_id,
            guild_id,
            interaction_id=interaction.id if interaction else None,
            webhook_id=self.application_id if interaction else None,
        )
        self.messages[message.id] = message
        return message

    def _message_payload(self, message: FakeMessage) -> dict[str, Any]:
        return message.payload(self.bot_user, self.application_id)

    async def _post_callback(
        self, recorded: RecordedRequest, interaction_id: str, token: str
    ) -> web.Response:
        interaction = self._interaction(interaction_id, token)
        body = recorded.json or {}
        kind, data = body.get("type"), body.get("data") or {}
        if interaction.callbacks:
            # Discord allows one initial response per interaction.
            return _json_response(
                {"message": "Interaction has already been acknowledged.", "code": 40060}, 400
            )
        interaction.callbacks.append(body)
        message: FakeMessage | None = None
        if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            message = self._new_message(interaction, interaction.channel_id, interaction.guild_id)
            flags = int(data.get("flags") or 0) & EPHEMERAL_FLAG
            message.flags = flags | (LOADING_FLAG if kind == DEFERRED_CHANNEL_MESSAGE else 0)
            if kind == CHANNEL_MESSAGE:
                message.apply(data, recorded.files, self.next_id)
            interaction.original_id = message.id
        elif kind in (UPDATE_MESSAGE, DEFERRED_UPDATE_MESSAGE) and interaction.source_id:
            # For a button, "@original" is the message the button is on.
            interaction.original_id = interaction.source_id
            if kind == UPDATE_MESSAGE:
                message = self.messages[interaction.source_id]
                message.apply(data, recorded.files, self.next_id)
                message.edits += 1
        response: dict[str, Any] = {
            "interaction": {
                "id": str(interaction.id),
                "type": interaction.type,
                "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE,
                "response_message_ephemeral": bool(message and message.ephemeral),
            }
        }
        if message is not None:
            response["interaction"]["response_message_id"] = str(message.id)
            response["resource"] = {"type": kind, "message": self._message_payload(message)}
        return _json_response(response)

    async def _post_followup(
        self, recorded: RecordedRequest, app_id: str, token: str
    ) -> web.Response:
        interaction = self._interaction(None, token)
        if not interaction.callbacks:
            return _json_response({"message": "Unknown Webhook", "code": 10015}, 404)
        body = recorded.json or {}
        message = self._new_message(interaction, interaction.channel_id, interaction.guild_id)
        message.flags = int(body.get("flags") or 0) & EPHEMERAL_FLAG
        message.apply(body, recorded.files, self.next_id)
        interaction.followup_ids.append(message.id)
        return _json_response(self._message_payload(message))

    def _webhook_message(self, token: str, which: str) -> tuple[FakeInteraction, FakeMessage]:
        interaction = self._interaction(None, token)
        message_id = interaction.original_id if which == "@original" else int(which)
        known = [interaction.original_id, *interaction.followup_ids]
        if message_id is None or message_id not in known or self.messages[message_id].deleted:
            raise _HttpAnswer(_json_response({"message": "Unknown Message", "code": 10008}, 404))
        return interaction, self.messages[message_id]

    async def _get_webhook_message(
        self, _: RecordedRequest, app_id: str, token: str, which: str
    ) -> web.Response:
        _, message = self._webhook_message(token, which)
        return _json_response(self._message_payload(message))

    async def _patch_webhook_message(
        self, recorded: RecordedRequest, app_id: str, token: str, which: str
    ) -> web.Response:
        _, message = self._webhook_message(token, which)
        message.apply(recorded.json or {}, recorded.files, self.next_id)
        message.flags &= ~LOADING_FLAG
        message.edits += 1
        return _json_response(self._message_payload(message))

    async def _delete_webhook_message(
        self, _: RecordedRequest, app_id: str, token: str, which: str
    ) -> web.Response:
        _, message = self._webhook_message(token, which)
        message.deleted = True
        return web.Response(status=204)

    def _writable_channel(self, channel_id: str) -> FakeChannel:
        try:
            channel = self.channel(int(channel_id))
        except FakeDiscordError:
            raise _HttpAnswer(
                _json_response({"message": "Unknown Channel", "code": 10003}, 404)
            ) from None
        if not self.guilds[channel.guild_id].joined:
            raise _HttpAnswer(_json_response({"message": "Missing Access", "code": 50001}, 403))
        needed = VIEW_CHANNEL | SEND_MESSAGES
        if self.bot_permissions_in(channel) & needed != needed:
            raise _HttpAnswer(
                _json_response({"message": "Missing Permissions", "code": 50013}, 403)
            )
        return channel

    async def _post_channel_message(
        self, recorded: RecordedRequest, channel_id: str
    ) -> web.Response:
        channel = self._writable_channel(channel_id)
        body = recorded.json or {}
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            # Discord answers a resend with the same nonce (within minutes) with the first message.
            for earlier in self.channel_messages(channel.id):
                if earlier.nonce == nonce:
                    return _json_response(self._message_payload(earlier))
        message = self._new_message(None, channel.id, channel.guild_id)
        message.nonce = nonce
        message.apply(body, recorded.files, self.next_id)
        return _json_response(self._message_payload(message))

    async def _get_channel(self, _: RecordedRequest, channel_id: str) -> web.Response:
        try:
            channel = self.channel(int(channel_id))
        except FakeDiscordError:
            return _json_response({"message": "Unknown Channel", "code": 10003}, 404)
        return _json_response(channel.payload())

    async def _get_channel_messages(
        self, recorded: RecordedRequest, channel_id: str
    ) -> web.Response:
        channel = self._writable_channel(channel_id)
        if self.bot_permissions_in(channel) & READ_MESSAGE_HISTORY == 0:
            return _json_response({"message": "Missing Access", "code": 50001}, 403)
        after = int(recorded.query.get("after", 0))
        before = int(recorded.query.get("before", 1 << 63))
        limit = int(recorded.query.get("limit", 50))
        found = [m for m in self.channel_messages(channel.id) if after < m.id < before]
        found.sort(key=lambda m: m.id, reverse=True)  # newest first, as Discord answers
        if "after" in recorded.query and "before" not in recorded.query:
            found = found[-limit:]  # the oldest `limit` after the given message
        return _json_response([self._message_payload(m) for m in found[:limit]])

    def _channel_message(self, channel_id: str, message_id: str) -> FakeMessage:
        message = self.messages.get(int(message_id))
        if message is None or message.deleted or message.channel_id != int(channel_id):
            raise _HttpAnswer(_json_response({"message": "Unknown Message", "code": 10008}, 404))
        return message

    async def _patch_channel_message(
        self, recorded: RecordedRequest, channel_id: str, message_id: str
    ) -> web.Response:
        self._writable_channel(channel_id)
        message = self._channel_message(channel_id, message_id)
        message.apply(recorded.json or {}, recorded.files, self.next_id)
        message.edits += 1
        return _json_response(self._message_payload(message))

    async def _delete_channel_message(
        self, _: RecordedRequest, channel_id: str, message_id: str
    ) -> web.Response:
        self._channel_message(channel_id, message_id).deleted = True
        return web.Response(status=204)

    async def _leave_guild(self, _: RecordedRequest, guild_id: str) -> web.Response:
        guild = self.guilds.get(int(guild_id))
        if guild is None or not guild.joined:
            return _json_response({"message": "Unknown Guild", "code": 10004}, 404)
        guild.joined = False
        await self.dispatch("GUILD_DELETE", {"id": guild_id, "unavailable": False})
        return web.Response(status=204)


class _HttpAnswer(Exception):
    """Raised inside a handler to answer at once with an error response."""

    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response
