"""docs/screens.md is produced from the real renderers: the script runs, shows each answer,
and nothing in it is wider than Discord shows without wrapping."""

from __future__ import annotations

import re

from bench.screens import document, screens

# An inline field is a third of an embed on a desktop (two on a phone): about 24
# characters of Discord's proportional font; a code block in an embed shows 55.
INLINE_FIELD_CHARS = 24
EMBED_CODE_CHARS = 55


def _visible(line: str) -> str:
    """What the reader sees of a line of markdown: no ``**``, links as their text."""
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.replace("**", ""))


def test_the_screens_document_shows_every_answer_in_order() -> None:
    names = [name for name, _ in screens()]
    assert names == [
        "/scout list",
        "/scout object",
        "/scout object, a day later",
        "/scout ephemeris",
        "/scout orbits",
        "/scout observations",
        "Alert: new object",
        "Alert: update",
        "Alert: removal",
        "/alerts list",
        "/alerts status",
        "/scout fov, low odds",
        "/scout tonight",
        "/followup mine",
        "Alert: a digest, with its follow-up menu",
        "The menu's choice (private)",
        "The object's card, posted at the first press",
        "/followup mine, at your site",
        "/followup mine, no site set",
        "/alerts forget",
        "/alerts forget, confirmed",
        "/about",
        "Errors that teach",
        "Alert with a site: Scout's figures from the site",
        "Alert with a site: coarse, Scout not asked",
        "/site list",
        "/site mine code:703",
        "/site mine",
    ]
    text = document()
    assert "Stale" in text and "rated 1 or more" in text and "ToConfirm_PrevDes" in text
    assert "Centre on R.A. 20:51:33.2, Dec. -07°42′05″ (median of the sampled orbits)." in text
    assert "90 % needs a" in text and "mosaic of your field" in text
    assert "last alert: 2026-11-28 02:00 UTC (<t:" in text
    assert "Did you mean G69" in text and "I'll ask it again from 02:02 UTC" in text
    assert "From Mt. Lemmon (G96): up 03:00-06:30 UTC" in text and "Moon 105°" in text
    assert "From Mt. Lemmon (G96), coarse: up" in text and "Your default: Catalina (703)" in text


def test_inline_fields_hold_short_lines() -> None:
    for name, text in screens():
        for line in text.splitlines():
            if line.startswith("│ "):
                assert len(_visible(line[2:])) <= INLINE_FIELD_CHARS, (name, line)


def test_tables_in_embeds_fit_their_width() -> None:
    for name, text in screens():
        if name == "/scout observations":
            continue  # 80-column MPC lines, in the message body where 80 fit
        for block in re.findall(r"```\n(.*?)```", text, flags=re.S):
            assert max(map(len, block.splitlines())) <= EMBED_CODE_CHARS, name
