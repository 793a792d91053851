"""A mistyped observatory code answered with the closest real ones.

``obs_code`` is typed by hand ("g69" for G96, "G9", "lemmon"): a refusal that names the
codes meant is one the observer can act on. What looks like a code is compared with
every code (a swap of two characters, the commonest slip, counts half); what looks like
a place is looked up among the names.
"""

from __future__ import annotations

import difflib
import re

from bot.errors import InvalidInput
from bot.sky.observatories import Observatory, catalogue, search

SUGGESTED = 3
_CODE_LIKE = re.compile(r"[A-Za-z0-9]{1,4}")
_NAME_SHOWN = 40


def ephemeris_code(text: str) -> str:
    """The MPC code an ephemeris can be asked from (any code of the MPC's list, the
    geocentre 500 and space telescopes included), upper-cased; a label pasted back from
    autocomplete ("G96 University of Arizona ...") gives its code.

    InvalidInput naming the closest codes otherwise, before anything is sent to Scout.
    """
    words = text.strip().split()
    code = words[0].upper() if words else ""
    if code in catalogue():
        return code
    raise InvalidInput(refusal(text))


def refusal(text: str) -> str:
    typed = " ".join(text.split())[:30] or "an empty code"
    closest = closest_codes(text)
    sentence = (
        f"`{typed}` is not an MPC observatory code: those are three characters, "
        "such as 500 (the geocentre), G96 or F51."
    )
    if closest:
        sentence += " Did you mean " + _listed(closest) + "?"
    return sentence


def closest_codes(text: str, limit: int = SUGGESTED) -> list[Observatory]:
    """The codes most likely meant: by spelling when it looks like a code, else by name."""
    typed = text.strip()
    if not typed:
        return []
    if _CODE_LIKE.fullmatch(typed) and (len(typed) <= 3 or any(c.isdigit() for c in typed)):
        return _by_spelling(typed.upper(), limit)
    return _by_name(typed, limit)


def _by_spelling(typed: str, limit: int) -> list[Observatory]:
    """Prefix matches first ("G9" → G90…G99), then the fewest edits; ties by the same
    first character (the MPC's letter prefixes group regions), then by code."""
    ranked = sorted(
        catalogue().values(),
        key=lambda obs: (
            not obs.code.startswith(typed),
            _edits(typed, obs.code),
            obs.code[:1] != typed[:1],
            obs.code,
        ),
    )
    return ranked[:limit]


def _by_name(typed: str, limit: int) -> list[Observatory]:
    """Every word in the name ("lemmon") first, then names with a word spelled alike
    ("lemon"), then whole names spelled alike."""
    found = search(typed, limit)  # only codes that are places on Earth: telescopes
    if found:
        return found
    by_word: dict[str, list[Observatory]] = {}
    for obs in catalogue().values():
        for word in re.findall(r"\w+", obs.name.lower()):
            by_word.setdefault(word, []).append(obs)
    close = [
        obs
        for typed_word in typed.lower().split()
        for word in difflib.get_close_matches(typed_word, list(by_word), n=limit, cutoff=0.75)
        for obs in by_word[word]
    ]
    if not close:
        names = {obs.name.lower(): obs for obs in catalogue().values()}
        close = [names[name] for name in difflib.get_close_matches(typed.lower(), list(names))]
    return list({obs.code: obs for obs in close}.values())[:limit]


def _edits(a: str, b: str) -> float:
    """Edit distance where a swap of two neighbouring characters costs half."""
    previous: list[float] = [float(j) for j in range(len(b) + 1)]
    before: list[float] = []
    for i, char_a in enumerate(a, start=1):
        current: list[float] = [float(i)]
        for j, char_b in enumerate(b, start=1):
            cost = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (char_a != char_b),
            )
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                cost = min(cost, before[j - 2] + 0.5)
            current.append(cost)
        before, previous = previous, current
    return previous[-1]


def _listed(observatories: list[Observatory]) -> str:
    names = [f"{obs.code} ({_short(obs.name)})" for obs in observatories]
    return ", ".join(names[:-1]) + (" or " if len(names) > 1 else "") + names[-1]


def _short(name: str) -> str:
    return name if len(name) <= _NAME_SHOWN else name[: _NAME_SHOWN - 1].rstrip() + "…"
