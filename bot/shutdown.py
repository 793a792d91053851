"""Stopping without leaving anyone waiting: answers under way, then the background loops.

SIGTERM gives commands already running ``SHUTDOWN_GRACE_SECONDS`` to send their answers.
One still running after that is cut short, and its user is told the bot is restarting,
instead of keeping a "thinking..." placeholder for ever. Then the background loops are
cancelled and awaited, so that the store is never closed under one of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from typing import Any

import aiohttp
import discord

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_SECONDS = 10.0
# After the grace: how long cut-short answers get to unwind, and their users to be told.
# With the grace, this stays within the 15 s a container runtime waits (docker-compose.yml).
UNWIND_SECONDS = 1.0
TELL_SECONDS = 2.0
RESTARTING_MESSAGE = "⏳ The bot is restarting, so this answer was cut short; please try again."
# The names discord.py 2.7 gives the tasks running a slash command or a dynamic button.
ANSWER_TASK_PREFIXES = (
    "CommandTree-invoker",
    "discord-ui-dynamic-item-",
    "discord-ui-view-dispatch-",
)
# The name discord.py 2.7 gives the task of a discord.ext.tasks loop.
BACKGROUND_LOOP_PREFIX = "discord-ext-tasks: "


class AnswersUnderWay:
    """The interactions whose answers are being worked on right now."""

    def __init__(self) -> None:
        self._interactions: set[discord.Interaction[Any]] = set()

    @contextlib.contextmanager
    def answering(self, interaction: discord.Interaction[Any]) -> Iterator[None]:
        self._interactions.add(interaction)
        try:
            yield
        finally:
            self._interactions.discard(interaction)

    def snapshot(self) -> list[discord.Interaction[Any]]:
        return list(self._interactions)


async def finish_answers_under_way(answers: AnswersUnderWay, grace_seconds: float) -> None:
    """Let commands already running send their answers before the connections close.

    Closing first would cut them off mid-reply: the user would see "the application did
    not respond" and the log a traceback for every one. Those still running after the
    grace are cancelled, and their users told to try again.
    """
    tasks = _tasks_named(ANSWER_TASK_PREFIXES)
    if not tasks:
        return
    log.info("waiting up to %.0f s for %d answers under way", grace_seconds, len(tasks))
    _, pending = await asyncio.wait(tasks, timeout=grace_seconds)
    if not pending:
        return
    unanswered = answers.snapshot()
    log.warning(
        "stopping with %d answers unfinished: telling their users the bot is restarting",
        len(pending),
    )
    for task in pending:
        task.cancel()
    await asyncio.wait(pending, timeout=UNWIND_SECONDS)
    if unanswered:
        await asyncio.wait(
            [asyncio.create_task(tell_restarting(i)) for i in unanswered], timeout=TELL_SECONDS
        )


async def tell_restarting(interaction: discord.Interaction[Any]) -> None:
    """Replace a "thinking..." placeholder (or answer at all) with RESTARTING_MESSAGE; an
    answer that was already given is left as it is."""
    response = interaction.response
    try:
        if not response.is_done():
            await response.send_message(RESTARTING_MESSAGE, ephemeral=True)
        elif response.type is discord.InteractionResponseType.deferred_channel_message:
            placeholder = await interaction.original_response()
            if placeholder.flags.loading:  # still "thinking...": no answer replaced it
                await interaction.edit_original_response(content=RESTARTING_MESSAGE)
        elif response.type is discord.InteractionResponseType.deferred_message_update:
            await interaction.followup.send(RESTARTING_MESSAGE, ephemeral=True)
    except (discord.HTTPException, aiohttp.ClientError, RuntimeError) as exc:
        log.warning("could not tell a user the bot is restarting: %r", exc)


async def end_background_loops(grace_seconds: float) -> None:
    """Cancel the background loops (the alert watcher) and let them unwind before the
    store closes: a store closed under a transaction leaves its SQLite connection's
    thread running, and the process then never exits."""
    loops = _tasks_named((BACKGROUND_LOOP_PREFIX,))
    for task in loops:
        task.cancel()
    if loops:
        _, pending = await asyncio.wait(loops, timeout=grace_seconds)
        if pending:
            log.warning("stopping with %d background loops still unwinding", len(pending))


def _tasks_named(prefixes: tuple[str, ...]) -> list[asyncio.Task[Any]]:
    current = asyncio.current_task()
    return [
        task
        for task in asyncio.all_tasks()
        if task is not current and task.get_name().startswith(prefixes)
    ]
