"""Spec'd mocks of discord.py objects, for testing commands and views without Discord.

In the style of python-discord/bot's test helpers: every mock has the spec of the real
class, so a test that touches an attribute the real object lacks fails instead of passing
quietly, and coroutine methods are AsyncMocks that can be awaited and asserted on.

    interaction = make_interaction(client=make_bot(scout_client=fake_scout))
    await cog.command.callback(cog, interaction, "A11EBEK")
    interaction.response.defer.assert_awaited_once_with(thinking=True)
    sent = interaction.followup.send.await_args.kwargs

The interaction's response keeps state like Discord's: ``is_done()`` turns True once a
response method (``defer``, ``send_message``, ``edit_message`` …) has been awaited, and a
second response raises ``discord.InteractionResponded`` as the real library does.

Buttons built on ``discord.ui.DynamicItem`` are pressed through discord.py's own dispatch
(``press``): the message carries the components as Discord would send them back, and the
item is rebuilt from its custom_id alone, as after a restart.

    message = message_showing(sent["view"])
    press = make_interaction(client=bot, kind=discord.InteractionType.component, message=message)
    await press_button(press, "Orbits", DYNAMIC_ITEMS)
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any
from unittest.mock import AsyncMock, MagicMock, create_autospec

import discord
from discord.components import ActionRow, Component, _component_factory
from discord.ui.view import ViewStore

from bot.client import ScoutBot, ScoutTree
from bot.config import Settings
from bot.guilds import GuildPolicy
from bot.health import UpstreamHealth
from bot.heartbeat import Heartbeat
from bot.metrics import Metrics
from bot.shutdown import AnswersUnderWay

_ids = itertools.count(1_000_000_000_000_000)

# The response methods that acknowledge an interaction (only one may be used).
_RESPONSE_METHODS = (
    "defer",
    "send_message",
    "edit_message",
    "send_modal",
    "autocomplete",
    "pong",
    "launch_activity",
    "require_premium",
)


def next_id() -> int:
    """A fresh snowflake-sized id."""
    return next(_ids)


def make_member(
    *, member_id: int | None = None, name: str = "observer", display_name: str | None = None
) -> Any:
    member = MagicMock(spec=discord.Member)
    member.id = member_id if member_id is not None else next_id()
    member.name = name
    member.display_name = display_name or name
    member.mention = f"<@{member.id}>"
    member.bot = False
    return member


def make_guild(*, guild_id: int | None = None, name: str = "Team server") -> Any:
    guild = MagicMock(spec=discord.Guild)
    guild.id = guild_id if guild_id is not None else next_id()
    guild.name = name
    guild.leave = AsyncMock()
    return guild


def make_message(*, message_id: int | None = None) -> Any:
    """A message the bot sent (``followup.send(wait=True)`` returns one of these)."""
    message = MagicMock(spec=discord.WebhookMessage)
    message.id = message_id if message_id is not None else next_id()
    message.edit = AsyncMock(return_value=message)
    message.delete = AsyncMock()
    return message


def make_channel_message(*, message_id: int | None = None) -> Any:
    """A message as a component interaction sees it (``interaction.message``)."""
    message = MagicMock(spec=discord.Message)
    message.id = message_id if message_id is not None else next_id()
    message.edit = AsyncMock(return_value=message)
    return message


def make_bot(*, scout_client: Any = None, settings: Settings | None = None, **services: Any) -> Any:
    """A ScoutBot with the given services; anything not given is a spec'd mock."""
    bot = MagicMock(spec=ScoutBot)
    bot.settings = settings or Settings()
    bot.health = UpstreamHealth()
    bot.metrics = Metrics()
    bot.heartbeat = Heartbeat(bot.settings.health.heartbeat_file)  # never started here
    bot.guild_policy = GuildPolicy(bot.settings.discord.allowed_guilds)
    bot.tree = make_tree()
    bot.scout_client = scout_client if scout_client is not None else MagicMock()
    bot.store = None  # as before setup_hook opens it; pass store=... for one
    bot.answers_under_way = AnswersUnderWay()
    for name, value in services.items():
        setattr(bot, name, value)
    return bot


def make_tree() -> Any:
    """A spec'd ScoutTree whose ``interaction_check`` is the real one (the server policy
    of ``interaction.client.guild_policy``), for code that asks the tree as buttons do."""
    tree = MagicMock(spec=ScoutTree)

    async def interaction_check(interaction: discord.Interaction[Any]) -> bool:
        return await ScoutTree.interaction_check(tree, interaction)

    tree.interaction_check = AsyncMock(side_effect=interaction_check)
    return tree


def make_interaction(
    *,
    client: Any = None,
    user: Any = None,
    guild_id: int | None = 111,
    kind: discord.InteractionType = discord.InteractionType.application_command,
    message: Any = None,
    command_name: str | None = None,
) -> Any:
    """An interaction whose response and followup record what the code under test did."""
    interaction = MagicMock(spec=discord.Interaction)
    interaction.id = next_id()
    interaction.client = client if client is not None else make_bot()
    interaction.user = user if user is not None else make_member()
    interaction.guild_id = guild_id
    interaction.guild = make_guild(guild_id=guild_id) if guild_id is not None else None
    interaction.type = kind
    interaction.message = message
    if command_name is None:
        interaction.command = None
    else:
        interaction.command = MagicMock(spec=discord.app_commands.Command)
        interaction.command.qualified_name = command_name
    interaction.response = _make_response(kind)
    interaction.followup = MagicMock(spec=discord.Webhook)
    interaction.followup.send = AsyncMock(side_effect=lambda *a, **k: make_message())
    interaction.edit_original_response = AsyncMock()
    interaction.delete_original_response = AsyncMock()
    interaction.original_response = AsyncMock(side_effect=lambda: make_message())
    return interaction


def _make_response(kind: discord.InteractionType) -> Any:
    response = MagicMock(spec=discord.InteractionResponse)
    state: dict[str, Any] = {"done": False, "type": None}
    # As discord.py decides: a button's plain defer() acknowledges without a new message
    # ("thinking" only with thinking=True); a command's defer() is always "thinking".
    silent_defer = kind in (discord.InteractionType.component, discord.InteractionType.modal_submit)

    def responder(name: str) -> AsyncMock:
        async def respond(*args: Any, **kwargs: Any) -> None:
            if state["done"]:
                raise discord.InteractionResponded(MagicMock(spec=discord.Interaction))
            state["done"] = True
            if name == "defer" and silent_defer and not kwargs.get("thinking", False):
                state["type"] = discord.InteractionResponseType.deferred_message_update
            elif name == "defer":
                state["type"] = discord.InteractionResponseType.deferred_channel_message
            elif name == "send_message":
                state["type"] = discord.InteractionResponseType.channel_message
            elif name == "edit_message":
                state["type"] = discord.InteractionResponseType.message_update

        return AsyncMock(side_effect=respond)

    for name in _RESPONSE_METHODS:
        setattr(response, name, responder(name))
    response.is_done.side_effect = lambda: state["done"]
    # ``type`` is read by bot.error_answers.send_ephemeral; keep it in step with the state.
    type(response).type = property(lambda _self: state["type"])  # type: ignore[assignment]
    return response


def spec_scout_client() -> Any:
    """A ScoutClient whose methods check their arguments against the real signatures."""
    from bot.scout import ScoutClient
    from bot.scout.outage import Outage

    client = create_autospec(ScoutClient, instance=True)
    client.outage = Outage(lambda: 0.0, 120.0)  # an instance attribute: autospec cannot see it
    return client


# --- buttons that outlive the process (discord.ui.DynamicItem) ---------------------------


def message_showing(view: discord.ui.View, *, message_id: int | None = None) -> Any:
    """A message with this view's components as Discord sends them back with a press."""
    message = make_channel_message(message_id=message_id)
    message.flags = discord.MessageFlags()
    message.components = [_component_factory(row) for row in view.to_components()]
    return message


def buttons_of(message: Any) -> list[discord.Button]:
    """The message's buttons (discord.Button components, as a press carries them), in order."""

    def walk(components: Iterable[Component]) -> Iterator[Component]:
        for component in components:
            if isinstance(component, ActionRow):
                yield from walk(component.children)
            else:
                yield component

    return [c for c in walk(message.components) if isinstance(c, discord.Button)]


async def press_button(
    interaction: Any, label: str, dynamic_items: Iterable[type[discord.ui.DynamicItem[Any]]]
) -> None:
    """Press the button labelled ``label`` on ``interaction.message`` as discord.py 2.7 does
    for the dynamic items a bot registered: match the custom_id against each template,
    rebuild the item with ``from_custom_id``, run its ``interaction_check``, then its
    ``callback`` (``ViewStore.schedule_dynamic_item_call``, which logs and drops any
    exception: whatever the user should see must be answered by the item itself)."""
    button = next((b for b in buttons_of(interaction.message) if b.label == label), None)
    assert button is not None, f"no button {label!r} on the message"
    assert button.custom_id is not None and len(button.custom_id) <= 100
    matching = [
        (item, match)
        for item in dynamic_items
        if (match := item.__discord_ui_compiled_template__.fullmatch(button.custom_id))
    ]
    assert len(matching) == 1, f"{button.custom_id!r} must match one registered template"
    ((item, match),) = matching
    interaction.data = {"custom_id": button.custom_id, "component_type": button.type.value}
    store = ViewStore(MagicMock())
    await store.schedule_dynamic_item_call(
        button.type.value, item, interaction, button.custom_id, match
    )


async def submit_form(form: discord.ui.Modal, interaction: Any, *values: str) -> None:
    """Submit ``form`` with ``values`` in its text inputs, in order, as discord.py runs a
    modal Discord sent back: components read in, the check, then on_submit or on_error."""
    inputs = [item for item in form.walk_children() if isinstance(item, discord.ui.TextInput)]
    rows = [
        {"type": 1, "components": [{"type": 4, "custom_id": item.custom_id, "value": value}]}
        for item, value in zip(inputs, values, strict=True)
    ]
    await form._scheduled_task(interaction, rows, {})
