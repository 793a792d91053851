"""The fake Discord's REST API v10: login and application calls, command sync, interaction
callbacks, followups and their edits, channel messages (JSON or multipart with files),
history and guild leaves; faults answer instead where a test asked for them."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from tests.e2e.fake_discord import limits
from tests.e2e.fake_discord.gateway import Gateway
from tests.e2e.fake_discord.wire import (
    API_PREFIX,
    CHANNEL_MESSAGE,
    CREATE_PUBLIC_THREADS,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE_MESSAGE,
    EPHEMERAL_FLAG,
    LOADING_FLAG,
    MANAGE_THREADS,
    PUBLIC_THREAD,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    UPDATE_MESSAGE,
    VIEW_CHANNEL,
    json_response,
)
from tests.e2e.fake_discord.world import (
    FakeChannel,
    FakeDiscordError,
    FakeInteraction,
    FakeMessage,
    Fault,
    RecordedFile,
    RecordedRequest,
)


class Rest(Gateway):
    """Every route under ``/api/v10``; requests are recorded, unknown routes kept apart."""

    @property
    def rest_base(self) -> str:
        """What discord.http.Route.BASE must be."""
        return self.url + API_PREFIX

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
                    return json_response({"message": "401: Unauthorized", "code": 0}, 401)
                refused = limits.refusal(method, path, recorded.json)
                if refused is not None:
                    # As Discord does: over any size limit, 400 and nothing is posted.
                    self.refused.append((recorded, refused))
                    return json_response(refused, 400)
                return await handler(recorded, *match.groups())
        self.unhandled.append(recorded)
        return json_response({"message": f"fake Discord: no route {method} {path}", "code": 0}, 404)

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
            ("GET", r"/channels/(\d+)/messages/(\d+)", self._get_channel_message),
            ("POST", r"/channels/(\d+)/messages", self._post_channel_message),
            ("PATCH", r"/channels/(\d+)/messages/(\d+)", self._patch_channel_message),
            ("DELETE", r"/channels/(\d+)/messages/(\d+)", self._delete_channel_message),
            ("DELETE", r"/users/@me/guilds/(\d+)", self._leave_guild),
            ("POST", r"/channels/(\d+)/messages/(\d+)/threads", self._start_thread_from_message),
            ("PATCH", r"/channels/(\d+)", self._modify_thread),
            ("DELETE", r"/channels/(\d+)", self._delete_thread),
        ]

    async def _get_gateway(self, _: RecordedRequest) -> web.Response:
        return json_response(
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
        return json_response(
            self.bot_user.payload() | {"verified": True, "mfa_enabled": False, "flags": 0}
        )

    async def _get_application(self, _: RecordedRequest) -> web.Response:
        return json_response(
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
            return json_response({"message": "Unknown Application", "code": 10002}, 404)
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
        return json_response(synced)

    async def _get_commands(
        self, _: RecordedRequest, app_id: str, guild_id: str | None = None
    ) -> web.Response:
        return json_response(self.commands.get(int(guild_id) if guild_id else None, []))

    def _interaction(self, interaction_id: str | None, token: str) -> FakeInteraction:
        for interaction in self.interactions.values():
            if interaction.token == token and (
                interaction_id is None or interaction.id == int(interaction_id)
            ):
                return interaction
        raise _HttpAnswer(json_response({"message": "Unknown interaction", "code": 10062}, 404))

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
            return json_response(
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
        return json_response(response)

    async def _post_followup(
        self, recorded: RecordedRequest, app_id: str, token: str
    ) -> web.Response:
        interaction = self._interaction(None, token)
        if not interaction.callbacks:
            return json_response({"message": "Unknown Webhook", "code": 10015}, 404)
        body = recorded.json or {}
        message = self._new_message(interaction, interaction.channel_id, interaction.guild_id)
        message.flags = int(body.get("flags") or 0) & EPHEMERAL_FLAG
        message.apply(body, recorded.files, self.next_id)
        interaction.followup_ids.append(message.id)
        return json_response(self._message_payload(message))

    def _webhook_message(self, token: str, which: str) -> tuple[FakeInteraction, FakeMessage]:
        interaction = self._interaction(None, token)
        message_id = interaction.original_id if which == "@original" else int(which)
        known = [interaction.original_id, *interaction.followup_ids]
        if message_id is None or message_id not in known or self.messages[message_id].deleted:
            raise _HttpAnswer(json_response({"message": "Unknown Message", "code": 10008}, 404))
        return interaction, self.messages[message_id]

    async def _get_webhook_message(
        self, _: RecordedRequest, app_id: str, token: str, which: str
    ) -> web.Response:
        _, message = self._webhook_message(token, which)
        return json_response(self._message_payload(message))

    async def _patch_webhook_message(
        self, recorded: RecordedRequest, app_id: str, token: str, which: str
    ) -> web.Response:
        _, message = self._webhook_message(token, which)
        message.apply(recorded.json or {}, recorded.files, self.next_id)
        message.flags &= ~LOADING_FLAG
        message.edits += 1
        return json_response(self._message_payload(message))

    async def _delete_webhook_message(
        self, _: RecordedRequest, app_id: str, token: str, which: str
    ) -> web.Response:
        _, message = self._webhook_message(token, which)
        message.deleted = True
        return web.Response(status=204)

    def _known_channel(self, channel_id: str) -> FakeChannel:
        """The channel or thread, or Discord's 404 for an id it does not know."""
        try:
            return self.channel(int(channel_id))
        except FakeDiscordError:
            raise _HttpAnswer(
                json_response({"message": "Unknown Channel", "code": 10003}, 404)
            ) from None

    def _writable_channel(self, channel_id: str) -> FakeChannel:
        channel = self._known_channel(channel_id)
        if not self.guilds[channel.guild_id].joined:
            raise _HttpAnswer(json_response({"message": "Missing Access", "code": 50001}, 403))
        needed = VIEW_CHANNEL | SEND_MESSAGES
        if channel.parent_id is not None:
            needed = VIEW_CHANNEL | SEND_MESSAGES_IN_THREADS
        if self.bot_permissions_in(channel) & needed != needed:
            raise _HttpAnswer(json_response({"message": "Missing Permissions", "code": 50013}, 403))
        if channel.archived:
            raise _HttpAnswer(json_response({"message": "Thread is archived", "code": 50083}, 400))
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
                    return json_response(self._message_payload(earlier))
        message = self._new_message(None, channel.id, channel.guild_id)
        message.nonce = nonce
        message.apply(body, recorded.files, self.next_id)
        return json_response(self._message_payload(message))

    async def _get_channel(self, _: RecordedRequest, channel_id: str) -> web.Response:
        return json_response(self._known_channel(channel_id).payload())

    async def _get_channel_messages(
        self, recorded: RecordedRequest, channel_id: str
    ) -> web.Response:
        channel = self._writable_channel(channel_id)
        if self.bot_permissions_in(channel) & READ_MESSAGE_HISTORY == 0:
            return json_response({"message": "Missing Access", "code": 50001}, 403)
        after = int(recorded.query.get("after", 0))
        before = int(recorded.query.get("before", 1 << 63))
        limit = int(recorded.query.get("limit", 50))
        found = [m for m in self.channel_messages(channel.id) if after < m.id < before]
        found.sort(key=lambda m: m.id, reverse=True)  # newest first, as Discord answers
        if "after" in recorded.query and "before" not in recorded.query:
            found = found[-limit:]  # the oldest `limit` after the given message
        return json_response([self._message_payload(m) for m in found[:limit]])

    async def _get_channel_message(
        self, _: RecordedRequest, channel_id: str, message_id: str
    ) -> web.Response:
        return json_response(self._message_payload(self._channel_message(channel_id, message_id)))

    def _channel_message(self, channel_id: str, message_id: str) -> FakeMessage:
        message = self.messages.get(int(message_id))
        if message is None or message.deleted or message.channel_id != int(channel_id):
            raise _HttpAnswer(json_response({"message": "Unknown Message", "code": 10008}, 404))
        return message

    async def _patch_channel_message(
        self, recorded: RecordedRequest, channel_id: str, message_id: str
    ) -> web.Response:
        self._writable_channel(channel_id)
        message = self._channel_message(channel_id, message_id)
        message.apply(recorded.json or {}, recorded.files, self.next_id)
        message.edits += 1
        return json_response(self._message_payload(message))

    async def _delete_channel_message(
        self, _: RecordedRequest, channel_id: str, message_id: str
    ) -> web.Response:
        self._channel_message(channel_id, message_id).deleted = True
        return web.Response(status=204)

    async def _leave_guild(self, _: RecordedRequest, guild_id: str) -> web.Response:
        guild = self.guilds.get(int(guild_id))
        if guild is None or not guild.joined:
            return json_response({"message": "Unknown Guild", "code": 10004}, 404)
        guild.joined = False
        await self.dispatch("GUILD_DELETE", {"id": guild_id, "unavailable": False})
        return web.Response(status=204)

    # --- threads (https://discord.com/developers/docs/resources/channel#start-thread-from-message)

    async def _start_thread_from_message(
        self, recorded: RecordedRequest, channel_id: str, message_id: str
    ) -> web.Response:
        channel = self._writable_channel(channel_id)
        if channel.parent_id is not None:
            return json_response(
                {"message": "Cannot start a thread in a thread", "code": 50024}, 400
            )
        if self.bot_permissions_in(channel) & CREATE_PUBLIC_THREADS == 0:
            return json_response({"message": "Missing Permissions", "code": 50013}, 403)
        message = self._channel_message(channel_id, message_id)
        guild = self.guilds[channel.guild_id]
        if message.id in guild.threads:
            return json_response(
                {"message": "A thread has already been created for this message", "code": 160004},
                400,
            )
        body = recorded.json or {}
        name = str(body.get("name") or "")
        if not 1 <= len(name) <= 100:
            return json_response({"message": "Invalid Form Body", "code": 50035}, 400)
        # A thread started from a message has the message's id.
        thread = FakeChannel(
            message.id,
            name,
            guild.id,
            type=PUBLIC_THREAD,
            parent_id=channel.id,
            auto_archive_duration=int(body.get("auto_archive_duration") or 4320),
            owner_id=self.bot_user.id,
        )
        guild.threads[thread.id] = thread
        await self.dispatch("THREAD_CREATE", {**thread.payload(), "newly_created": True})
        return json_response(thread.payload(), 201)

    def _thread(self, channel_id: str) -> FakeChannel:
        channel = self._known_channel(channel_id)
        if channel.parent_id is None:
            raise FakeDiscordError(f"the fake modifies and deletes threads only, not {channel}")
        return channel

    async def _modify_thread(self, recorded: RecordedRequest, channel_id: str) -> web.Response:
        """Archive or unarchive (or lock, rename) a thread."""
        thread = self._thread(channel_id)
        body = recorded.json or {}
        allowed = self.bot_permissions_in(thread)
        may_manage = bool(allowed & MANAGE_THREADS)
        if thread.locked and not may_manage:
            return json_response({"message": "Missing Permissions", "code": 50013}, 403)
        if body.get("archived") is False and not (allowed & SEND_MESSAGES_IN_THREADS):
            return json_response({"message": "Missing Permissions", "code": 50013}, 403)
        if "locked" in body and not may_manage:
            return json_response({"message": "Missing Permissions", "code": 50013}, 403)
        thread.archived = bool(body.get("archived", thread.archived))
        thread.locked = bool(body.get("locked", thread.locked))
        thread.name = str(body.get("name", thread.name))
        await self.dispatch("THREAD_UPDATE", thread.payload())
        return json_response(thread.payload())

    async def _delete_thread(self, _: RecordedRequest, channel_id: str) -> web.Response:
        thread = self._thread(channel_id)
        if self.bot_permissions_in(thread) & MANAGE_THREADS == 0:
            return json_response({"message": "Missing Permissions", "code": 50013}, 403)
        payload = thread.payload()
        await self._remove_thread(thread)
        return json_response(payload)

    async def _remove_thread(self, thread: FakeChannel) -> None:
        del self.guilds[thread.guild_id].threads[thread.id]
        await self.dispatch(
            "THREAD_DELETE",
            {
                "id": str(thread.id),
                "guild_id": str(thread.guild_id),
                "parent_id": str(thread.parent_id),
                "type": thread.type,
            },
        )


class _HttpAnswer(Exception):
    """Raised inside a handler to answer at once with an error response."""

    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response
