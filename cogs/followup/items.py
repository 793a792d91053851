"""The follow-up's persistent components: the status buttons of an alert, and a digest's
"Record follow-up for…" menu. Both keep what a press needs in their custom_id (and the
menu's option values), so they work after a restart; both hand the press to the
``Followup`` cog.
"""

from __future__ import annotations

import re
from typing import Protocol, runtime_checkable

import discord

from bot.client import AnsweringButton, AnsweringSelect, Interaction
from bot.errors import InvalidInput, UserFacingError
from bot.followup import ObjectKey
from bot.followup.buttons import (
    DIGEST_TEMPLATE,
    STATUS_TEMPLATE,
    ButtonAction,
    digest_custom_id,
    object_key,
    option_key,
    press_role,
    status_custom_id,
)
from bot.render.followup import no_press_role_answer
from bot.scout import validate_designation

FOLLOWUP_COG = "Followup"


@runtime_checkable
class FollowupActions(Protocol):
    async def press(
        self, interaction: Interaction, action: ButtonAction, key: ObjectKey
    ) -> None: ...

    async def choose(
        self, interaction: Interaction, key: ObjectKey, role_id: int | None
    ) -> None: ...


def _followup(interaction: Interaction) -> FollowupActions:
    cog = interaction.client.get_cog(FOLLOWUP_COG)
    if not isinstance(cog, FollowupActions):
        raise UserFacingError("Follow-up is not running right now; try again in a minute.")
    return cog


def may_record(interaction: Interaction, role_id: int | None) -> bool:
    """Members of the subscription's role, or (without one) who can see the channel."""
    if role_id is not None:
        roles = getattr(interaction.user, "roles", [])
        if not any(role.id == role_id for role in roles):
            raise InvalidInput(no_press_role_answer(role_id))
    elif not interaction.permissions.view_channel:
        raise InvalidInput("Only members who can see this channel record follow-up here.")
    return True


class StatusButton(AnsweringButton, template=STATUS_TEMPLATE):
    """Targeting, Found, Not found, Reported or Undo on a new-object alert."""

    def __init__(self, action: ButtonAction, key: ObjectKey, role_id: int | None) -> None:
        super().__init__(discord.ui.Button(custom_id=status_custom_id(action, key, role_id)))
        self.action = action
        self.key = key
        self.role_id = role_id

    @classmethod
    def from_match(cls, match: re.Match[str]) -> StatusButton:
        button = cls(
            ButtonAction(match["action"]),
            object_key(match["designation"], match["seen"]),
            press_role(match["role"]),
        )
        try:
            validate_designation(match["designation"])
        except InvalidInput as problem:
            button.problem = problem
        return button

    def metric_name(self) -> str:
        return f"status_{self.action.name.lower()}"

    async def allowed(self, interaction: Interaction) -> bool:
        return may_record(interaction, self.role_id)

    async def pressed(self, interaction: Interaction) -> None:
        await _followup(interaction).press(interaction, self.action, self.key)


class DigestSelect(AnsweringSelect, template=DIGEST_TEMPLATE):
    """A digest's menu (one of up to five): choosing an object answers privately with its
    status buttons."""

    def __init__(self, role_id: int | None, part: int = 0) -> None:
        super().__init__(discord.ui.Select(custom_id=digest_custom_id(role_id, part)))
        self.role_id = role_id

    @classmethod
    def from_match(cls, match: re.Match[str]) -> DigestSelect:
        return cls(press_role(match["role"]), int(match["part"] or 0))

    async def allowed(self, interaction: Interaction) -> bool:
        return may_record(interaction, self.role_id)

    async def pressed(self, interaction: Interaction) -> None:
        values = self.item.values
        key = option_key(values[0]) if values else None
        if key is None:
            raise InvalidInput("That choice cannot be read; pick the object again.")
        await _followup(interaction).choose(interaction, key, self.role_id)


DYNAMIC_ITEMS = (StatusButton, DigestSelect)
