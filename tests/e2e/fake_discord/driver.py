"""What tests hold: ``FakeDiscord``, which starts the fake on 127.0.0.1, changes its world
as a server admin or Discord would, injects slash commands, autocomplete and button clicks
as a user would, and waits for what the bot does."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web

from tests.e2e.fake_discord.rest import Rest
from tests.e2e.fake_discord.wire import (
    API_PREFIX,
    APPLICATION_COMMAND,
    ATTACHMENT_SIZE_LIMIT,
    AUTOCOMPLETE,
    AUTOCOMPLETE_RESULT,
    BOOLEAN,
    BOT_PERMISSIONS,
    CHANNEL,
    DEFAULT_TIMEOUT,
    INTEGER,
    MEMBER_PERMISSIONS,
    MESSAGE_COMPONENT,
    NUMBER,
    ROLE,
    SEND_MESSAGES,
    STRING,
    SUB_COMMAND,
    SUB_COMMAND_GROUP,
    iso,
)
from tests.e2e.fake_discord.world import (
    FakeChannel,
    FakeDiscordError,
    FakeGuild,
    FakeInteraction,
    FakeMessage,
    FakeRole,
    FakeUser,
    Fault,
)
from tests.e2e.local_server import serve_locally

T = TypeVar("T")


class FakeDiscord(Rest):
    """Discord's REST API and gateway for one bot, on 127.0.0.1."""

    def __init__(self, token: str = "fake.bot.token", heartbeat_interval_ms: int = 41250) -> None:
        super().__init__(token, heartbeat_interval_ms)
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner, self.url = await serve_locally(app)

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def join(self, guild: FakeGuild) -> None:
        """The bot is added to a server while it runs (GUILD_CREATE in the session)."""
        guild.joined = True
        self.guilds[guild.id] = guild
        payload = self._guild_payload(guild)
        # A join carries no "unavailable" key; with it, discord.py takes the event for an
        # outage ending (guild_available) rather than a join (guild_join).
        del payload["unavailable"]
        await self.dispatch("GUILD_CREATE", payload)

    async def forbid_channel(self, channel_id: int) -> None:
        """Take Send Messages from the bot in a channel, as a server admin would."""
        channel = self.channel(channel_id)
        channel.denies[self.bot_user.id] = (1, SEND_MESSAGES)
        await self.dispatch("CHANNEL_UPDATE", channel.payload())

    async def delete_channel(self, channel_id: int) -> None:
        channel = self.channel(channel_id)
        del self.guilds[channel.guild_id].channels[channel_id]
        await self.dispatch("CHANNEL_DELETE", channel.payload())

    def threads_in(self, channel_id: int) -> list[FakeChannel]:
        """The threads (active or archived) started in a channel."""
        guild = self.guilds[self.channel(channel_id).guild_id]
        return [t for t in guild.threads.values() if t.parent_id == channel_id]

    async def archive_thread(self, thread_id: int) -> None:
        """Archive a thread, as Discord does after its auto-archive duration."""
        thread = self.channel(thread_id)
        thread.archived = True
        await self.dispatch("THREAD_UPDATE", thread.payload())

    async def delete_thread(self, thread_id: int) -> None:
        """Delete a thread, as a moderator would."""
        await self._remove_thread(self.channel(thread_id))

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

    async def wait_channel_messages(
        self, channel_id: int, count: int, within: float = DEFAULT_TIMEOUT
    ) -> list[FakeMessage]:
        def probe() -> list[FakeMessage] | None:
            found = self.channel_messages(channel_id)
            return found if len(found) >= count else None

        return await self.wait_for(probe, f"{count} messages in channel {channel_id}", within)

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
        return await self._use_component(message, data, user, permissions)

    async def choose(
        self,
        message: FakeMessage,
        value: str,
        *,
        user: FakeUser | None = None,
        permissions: int = MEMBER_PERMISSIONS,
    ) -> FakeInteraction:
        """Pick the option with this value in the message's (first) select menu."""
        [menu] = message.selects[:1] or [None]
        if menu is None or value not in [o["value"] for o in menu.get("options", [])]:
            raise FakeDiscordError(f"no select option {value!r} on the message")
        data = {"custom_id": menu["custom_id"], "component_type": 3, "values": [value]}
        return await self._use_component(message, data, user, permissions)

    async def _use_component(
        self, message: FakeMessage, data: dict[str, Any], user: FakeUser | None, permissions: int
    ) -> FakeInteraction:
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
                    "joined_at": iso(),
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
