"""The pager under /scout list and /scout tonight: ◀ Previous, the page counter, Next ▶,
and Jump…, which opens a form for a page number or a designation.

Each button's custom_id holds the owner and the page it shows (and the command's options,
in the command's own format), so a press needs no memory and works after a restart. Only
the person who ran the command may page it. The form (a Modal) lives in memory for
``JUMP_FORM_SECONDS``: Discord sends its answer to the process that opened it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar, Final

import discord

from bot.client import AnsweringButton, Interaction
from bot.error_answers import answer_error, send_ephemeral
from bot.errors import InvalidInput
from bot.render import safe

log = logging.getLogger(__name__)

MAX_PAGE: Final = 9999  # keeps the longest custom_id within Discord's 100 characters
FIND_MAX_CHARS: Final = 40
JUMP_FORM_SECONDS: Final = 600.0


class PagerRole(StrEnum):
    """Which pager button; the value is its part of the custom_id."""

    PREVIOUS = "prev"
    PAGE = "at"  # the page counter: disabled, a label only
    NEXT = "next"
    JUMP = "jump"  # opens the form; its page is the one shown


ROLE_PATTERN: Final = "|".join(role.value for role in PagerRole)
_STYLES: Final = {
    PagerRole.PREVIOUS: discord.ButtonStyle.secondary,
    PagerRole.PAGE: discord.ButtonStyle.secondary,
    PagerRole.NEXT: discord.ButtonStyle.primary,
    PagerRole.JUMP: discord.ButtonStyle.secondary,
}


@dataclass(frozen=True)
class PagerSlot:
    """One pager button: the page it shows, its role, label and whether it is disabled."""

    page: int
    role: PagerRole
    label: str
    disabled: bool

    @classmethod
    def pressed(cls, page: int, role: PagerRole) -> PagerSlot:
        """The slot of a button read back from a press: only its page and role matter."""
        return cls(page, role, role.value, False)


def pager_slots(index: int, count: int) -> list[PagerSlot]:
    """The four buttons for page ``index`` of ``count``. Each names the page it shows, so
    the custom_ids differ (Discord requires it) and a press needs no memory. The counter
    is a dynamic item too: a plain button would keep the view in memory for good."""
    last = count - 1
    return [
        PagerSlot(max(index - 1, 0), PagerRole.PREVIOUS, "◀ Previous", index == 0),
        PagerSlot(index, PagerRole.PAGE, f"{index + 1}/{count}", True),
        PagerSlot(min(index + 1, last), PagerRole.NEXT, "Next ▶", index >= last),
        PagerSlot(index, PagerRole.JUMP, "Jump…", False),
    ]


def add_pager(
    view: discord.ui.View, index: int, count: int, button: Callable[[PagerSlot], PagerButton]
) -> None:
    for slot in pager_slots(index, count):
        view.add_item(button(slot))


@dataclass(frozen=True)
class Jump:
    """Where the form asked to go: a page (0-based) or the page of a designation."""

    index: int | None = None
    find: str | None = None


def read_jump(text: str) -> Jump:
    """The form's answer, checked as the commands' ``page`` and ``find`` options are."""
    typed = text.strip()
    if not typed:
        raise InvalidInput("Type a page number or a designation to jump to.")
    if typed.isdigit():
        page = int(typed)
        if not 1 <= page <= MAX_PAGE + 1:
            raise InvalidInput(f"Pages run from 1 to {MAX_PAGE + 1}; type one of them.")
        return Jump(index=page - 1)
    if len(typed) > FIND_MAX_CHARS:
        raise InvalidInput(f"A designation to find is at most {FIND_MAX_CHARS} characters.")
    return Jump(find=typed)


def nothing_found(find: str, advice: str) -> InvalidInput:
    """The refusal of a ``find`` (or a jump to a designation) that matches nothing."""
    return InvalidInput(
        f"No object in this list matches `{safe.code(find, limit=FIND_MAX_CHARS)}`; {advice}."
    )


class PagerButton(AnsweringButton, template=r"(?!)"):
    """A pager button of one command; subclasses give the template, ``command`` and
    ``show``, which answers the press by editing the message in place."""

    command: ClassVar[str] = "the command"

    def __init__(
        self, custom_id: str, owner_id: int, slot: PagerSlot, *, row: int | None = None
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=slot.label,
                style=_STYLES[slot.role],
                disabled=slot.disabled,
                custom_id=custom_id,
                row=row,
            )
        )
        self.owner_id = owner_id
        self.page = slot.page
        self.role = slot.role

    async def allowed(self, interaction: Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        # A mention in an ephemeral answer shows the name and notifies nobody.
        await send_ephemeral(
            interaction,
            f"Only <@{self.owner_id}> can page this list; run {self.command} for your own.",
        )
        return False

    async def pressed(self, interaction: Interaction) -> None:
        if self.role is PagerRole.JUMP:
            await interaction.response.send_modal(JumpForm(self))
            return
        await self.show(interaction, Jump(index=self.page))

    async def show(self, interaction: Interaction, jump: Jump) -> None:
        raise NotImplementedError


class JumpForm(discord.ui.Modal, title="Jump to"):
    """Page number or designation; the page is shown in place of the one pressed from."""

    where: discord.ui.TextInput[JumpForm] = discord.ui.TextInput(
        label="Page number or designation",
        placeholder="3, or a designation such as P21abcd",
        min_length=1,
        max_length=FIND_MAX_CHARS,
    )

    def __init__(self, button: PagerButton) -> None:
        super().__init__(timeout=JUMP_FORM_SECONDS)
        self.button = button

    async def interaction_check(self, interaction: Interaction, /) -> bool:  # type: ignore[override]
        return await self.button.allowed(interaction)

    async def on_submit(self, interaction: Interaction, /) -> None:  # type: ignore[override]
        await self.button.show(interaction, read_jump(self.where.value))

    async def on_error(self, interaction: Interaction, error: Exception, /) -> None:  # type: ignore[override]
        await answer_error(interaction, error)

    async def on_timeout(self) -> None:
        # Nothing to undo: the page stays as it was; Discord closes the form.
        log.debug("a jump form for %s was never sent", self.button.command)
