"""`/alerts forget`: the question before a server's data is removed, and what was removed."""

from __future__ import annotations

from typing import Final

from bot.store import GuildDataRemoved

CONFIRM_LABEL: Final = "Remove everything"

# What a person reads for each count, most important first.
_WORDS: Final[tuple[tuple[str, str, str], ...]] = (
    ("subscriptions", "alert subscription", "alert subscriptions"),
    ("statuses", "follow-up status", "follow-up statuses"),
    ("alert_messages", "alert with status buttons", "alerts with status buttons"),
    ("threads", "thread link", "thread links"),
    ("channel_settings", "channel's follow-up setting", "channels' follow-up settings"),
    ("sites", "site", "sites"),
    ("member_sites", "member's own site", "members' own sites"),
)


def forget_question() -> str:
    return (
        "**Remove everything scout-bot keeps for this server?**\n"
        "The team's follow-up statuses, the follow-up and thread links of its alerts, every "
        "alert subscription with its settings, the server's sites and members' own sites. "
        "Alerts stop in every channel. Messages and threads already posted stay in Discord.\n"
        f"This cannot be undone. Press **{CONFIRM_LABEL}** to go ahead, or dismiss this "
        "message to keep it all."
    )


def forgotten_message(removed: GuildDataRemoved) -> str:
    if removed.nothing:
        return "scout-bot kept nothing for this server: nothing was removed."
    counts = removed.model_dump()
    parts = [
        f"{counts[field]} {one if counts[field] == 1 else many}"
        for field, one, many in _WORDS
        if counts[field]
    ]
    return (
        f"Removed: {', '.join(parts)}. scout-bot keeps nothing more for this server; "
        "`/alerts subscribe` and `/site add` start again from scratch."
    )


def not_yours_answer() -> str:
    return "Only the member who asked to remove this server's data can confirm it."
