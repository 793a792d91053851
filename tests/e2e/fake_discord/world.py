"""The fake Discord's world: servers, channels, roles, users, the messages the bot made,
the interactions sent to it, the requests it made, and the faults to answer with.

``World`` holds that state and what reads it; ``gateway``, ``rest`` and ``driver`` add
the two ways the bot talks to it and the way tests do.
"""

from __future__ import annotations

import asyncio
import fnmatch
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.e2e.fake_discord.wire import (
    BOT_PERMISSIONS,
    EPHEMERAL_FLAG,
    LOADING_FLAG,
    MEMBER_PERMISSIONS,
    iso,
    json_response,
    rate_limited_response,
    snowflakes,
)

# What tests read and build: the package re-exports exactly these.
__all__ = [
    "FakeChannel",
    "FakeDiscordError",
    "FakeGuild",
    "FakeInteraction",
    "FakeMessage",
    "FakeRole",
    "FakeUser",
    "Fault",
    "RecordedFile",
    "RecordedRequest",
]


class FakeDiscordError(AssertionError):
    """The test asked the fake for something real Discord would never send or allow."""


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
    # A thread (type 11): the channel it is in, its name's message, and its state.
    parent_id: int | None = None
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    owner_id: int = 0  # who started the thread

    def payload(self) -> dict[str, Any]:
        if self.parent_id is not None:
            return self._thread_payload()
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

    def _thread_payload(self) -> dict[str, Any]:
        """A thread channel as Discord's channel object documents it."""
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "parent_id": str(self.parent_id),
            "owner_id": str(self.owner_id),
            "name": self.name,
            "last_message_id": None,
            "message_count": 0,
            "member_count": 1,
            "rate_limit_per_user": 0,
            "flags": 0,
            "total_message_sent": 0,
            "thread_metadata": {
                "archived": self.archived,
                "auto_archive_duration": self.auto_archive_duration,
                "archive_timestamp": iso(),
                "locked": self.locked,
                "create_timestamp": iso(),
            },
        }


@dataclass
class FakeGuild:
    id: int
    name: str
    channels: dict[int, FakeChannel] = field(default_factory=dict)
    threads: dict[int, FakeChannel] = field(default_factory=dict)  # by id: the message's
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
    def selects(self) -> list[dict[str, Any]]:
        """The message's string select menus (component type 3)."""
        return [
            component
            for row in self.components
            for component in row.get("components", [])
            if component.get("type") == 3
        ]

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
            "timestamp": iso(),
            "edited_timestamp": iso() if self.edits else None,
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
            return rate_limited_response(
                self.retry_after,
                body=self.body,
                headers={
                    "X-RateLimit-Limit": "5",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset-After": str(self.retry_after),
                    "X-RateLimit-Bucket": "fake-bucket",
                },
            )
        default = {
            403: {"message": "Missing Permissions", "code": 50013},
            404: {"message": "Unknown Channel", "code": 10003},
        }.get(self.status, {"message": f"{self.status}: fake failure", "code": 0})
        return json_response(self.body or default, self.status)


class World:
    """Everything the fake Discord knows, and the questions tests and handlers ask of it."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.url = ""  # set once the server listens
        self.next_id = snowflakes()
        self.application_id = self.next_id()
        self.bot_user = FakeUser(self.application_id, "scout-bot", bot=True)
        self.owner = FakeUser(self.next_id(), "operator")
        self.guilds: dict[int, FakeGuild] = {}
        self.requests: list[RecordedRequest] = []
        self.unhandled: list[RecordedRequest] = []
        # Requests refused for breaking a size limit, with Discord's error body.
        self.refused: list[tuple[RecordedRequest, dict[str, Any]]] = []
        self.messages: dict[int, FakeMessage] = {}
        self.interactions: dict[int, FakeInteraction] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {}  # guild id (None: global)
        self.faults: list[Fault] = []
        self._command_ids: dict[tuple[int | None, str], int] = {}
        self._changed = asyncio.Condition()

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

    def channel(self, channel_id: int) -> FakeChannel:
        """A channel or a thread."""
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                return guild.channels[channel_id]
            if channel_id in guild.threads:
                return guild.threads[channel_id]
        raise FakeDiscordError(f"no channel {channel_id}")

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
            "joined_at": iso(),
            "features": [],
            "preferred_locale": "en-US",
            "system_channel_id": str(guild.system_channel_id) if guild.system_channel_id else None,
            "roles": [role.payload() for role in guild.roles.values()],
            "channels": [channel.payload() for channel in guild.channels.values()],
            "threads": [t.payload() for t in guild.threads.values() if not t.archived],
            "members": [
                {
                    "user": self.bot_user.payload(),
                    "roles": bot_role_ids,
                    "joined_at": iso(),
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
        """In a thread: its parent channel's permissions (threads have no overwrites)."""
        if channel.parent_id is not None:
            channel = self.channel(channel.parent_id)
        guild = self.guilds[channel.guild_id]
        base = guild.roles[guild.id].permissions
        for role in guild.roles.values():
            if role.name == "scout-bot":
                base |= role.permissions
        for target, (_, deny) in channel.denies.items():
            if target in (self.bot_user.id, guild.id) or target in guild.roles:
                base &= ~deny
        return base

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

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
