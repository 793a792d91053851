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

Modules: `wire` (API constants, snowflakes, JSON and 429 answers), `world` (the state:
servers, channels, roles, users, messages, interactions, recorded requests, faults),
`gateway` (the gateway session), `limits` (Discord's size limits: a payload over any is
refused with 400, code 50035), `rest` (the REST routes) and `driver` (`FakeDiscord`:
start and stop, world changes, injected interactions, waiting). Each layer subclasses the
one before it: World <- Gateway <- Rest <- FakeDiscord.
"""

# What tests and the benchmark use; the rest of the wire's constants are in ``wire``.
from tests.e2e.fake_discord import world
from tests.e2e.fake_discord.driver import FakeDiscord
from tests.e2e.fake_discord.wire import (
    CHANNEL_MESSAGE,
    CREATE_PUBLIC_THREADS,
    DEFAULT_TIMEOUT,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE_MESSAGE,
    MANAGE_CHANNELS,
    MEMBER_PERMISSIONS,
    SEND_MESSAGES_IN_THREADS,
    json_response,
    rate_limited_response,
)
from tests.e2e.fake_discord.world import *  # noqa: F403  (its __all__: the state tests read)

__all__ = [
    "CHANNEL_MESSAGE",
    "CREATE_PUBLIC_THREADS",
    "DEFAULT_TIMEOUT",
    "DEFERRED_CHANNEL_MESSAGE",
    "DEFERRED_UPDATE_MESSAGE",
    "MANAGE_CHANNELS",
    "MEMBER_PERMISSIONS",
    "SEND_MESSAGES_IN_THREADS",
    "FakeDiscord",
    "json_response",
    "rate_limited_response",
    *world.__all__,
]
