"""Which MPC label a user typed: the four formats of the action-code document, exactly.

The regexes are the MPC's own (``../shared/seeds/mpc-action-codes-api.txt``), compiled
with ``re.ASCII``: without it Python's ``\\d`` and ``\\w`` would also accept digits and
letters of other scripts ("２０２４", "é"), which the MPC's labels never contain. They
are matched with ``fullmatch`` because ``$`` alone lets a trailing newline through.
The date and time fields are checked only as far as the MPC's regexes check them (a
month "19" passes): the MPC decides what it knows, the bot only refuses what it never
could.

Nothing here sends anything: a label refused here never reaches the MPC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.errors import InvalidInput


class LabelFormat(StrEnum):
    SUBMISSION_BLOCK_ID = "submission block id"
    SUBMISSION_ID = "submission id"
    TRKID = "trkid"
    TRKSUB = "trksub"


_SUBMISSION_ID = r"\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-6]\d\.\d{3}_\w{8}"

# In the order the document lists them; a label may match more than one (8 characters
# fit both trksub and trkid).
PATTERNS: dict[LabelFormat, re.Pattern[str]] = {
    LabelFormat.TRKSUB: re.compile(r"[-A-Za-z0-9_]{1,8}", re.ASCII),
    LabelFormat.TRKID: re.compile(r"[-A-Za-z0-9_]{8,12}", re.ASCII),
    LabelFormat.SUBMISSION_BLOCK_ID: re.compile(_SUBMISSION_ID + r"_\d{2}", re.ASCII),
    LabelFormat.SUBMISSION_ID: re.compile(_SUBMISSION_ID, re.ASCII),
}

EXAMPLES: dict[LabelFormat, str] = {
    LabelFormat.TRKSUB: "A10cnQO",
    LabelFormat.TRKID: "00000DwbEz",
    LabelFormat.SUBMISSION_ID: "2024-05-02T21:03:35.001_0000FzZw",
    LabelFormat.SUBMISSION_BLOCK_ID: "2024-05-02T21:03:35.001_0000FzZw_01",
}

ACCEPTED_FORMATS = (
    "Accepted labels:\n"
    f"- trksub: 1 to 8 letters, digits, `-` or `_`, e.g. `{EXAMPLES[LabelFormat.TRKSUB]}`\n"
    f"- trkid: 8 to 12 of the same, e.g. `{EXAMPLES[LabelFormat.TRKID]}`\n"
    "- submission id: `YYYY-MM-DDThh:mm:ss.sss_` and 8 letters, digits or `_`, "
    f"e.g. `{EXAMPLES[LabelFormat.SUBMISSION_ID]}`\n"
    "- submission block id: a submission id followed by `_` and 2 digits, "
    f"e.g. `{EXAMPLES[LabelFormat.SUBMISSION_BLOCK_ID]}`"
)

_TRACKLET_CHARS = re.compile(r"[-A-Za-z0-9_]+", re.ASCII)
_LOOKS_LIKE_SUBMISSION = re.compile(r"\d{4}-", re.ASCII)


@dataclass(frozen=True, slots=True)
class Label:
    """A label that matches at least one of the MPC's formats, already trimmed."""

    text: str
    formats: tuple[LabelFormat, ...]

    @property
    def kind(self) -> str:
        """The format(s) in words, for the user and for the log: "trksub or trkid"."""
        return " or ".join(str(fmt) for fmt in self.formats)

    @property
    def is_ambiguous(self) -> bool:
        return len(self.formats) > 1


def label_formats(text: str) -> tuple[LabelFormat, ...]:
    """Every format ``text`` matches exactly, in the document's order; () if none."""
    return tuple(fmt for fmt, pattern in PATTERNS.items() if pattern.fullmatch(text))


def parse_label(raw: str) -> Label:
    """Trim ``raw`` and recognise its format; InvalidInput (nothing sent) if it has none.

    The refusal never repeats the label: it is shown to the user, who knows what they
    typed, and the error handler logs it, where only the format and outcome belong.
    """
    text = raw.strip()
    formats = label_formats(text)
    if not formats:
        raise InvalidInput(f"{_why_not(text)}\n{ACCEPTED_FORMATS}")
    return Label(text, formats)


def _why_not(text: str) -> str:
    """One sentence on what is wrong, for the commonest slips."""
    if not text:
        return "The label is empty."
    if any(char.isspace() for char in text):
        return "A label has no spaces in it."
    if _LOOKS_LIKE_SUBMISSION.match(text):
        return (
            "That looks like a submission id, but it does not have the MPC's form "
            "`YYYY-MM-DDThh:mm:ss.sss_xxxxxxxx` (with `_nn` after it for a block id)."
        )
    if _TRACKLET_CHARS.fullmatch(text):
        return f"That label is {len(text)} characters long; a trkid has at most 12."
    return "A trksub or trkid has only letters, digits, `-` and `_`."
