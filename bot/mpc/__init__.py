"""MPC action codes: the label rules, the limits and the client (no Discord here)."""

from __future__ import annotations

from bot.mpc.client import (
    ActionCodeClient,
    ActionCodeResult,
    MpcRefused,
    MpcUnavailable,
    Reservation,
)
from bot.mpc.labels import ACCEPTED_FORMATS, Label, LabelFormat, label_formats, parse_label

__all__ = [
    "ACCEPTED_FORMATS",
    "ActionCodeClient",
    "ActionCodeResult",
    "Label",
    "LabelFormat",
    "MpcRefused",
    "MpcUnavailable",
    "Reservation",
    "label_formats",
    "parse_label",
]
