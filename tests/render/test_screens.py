"""docs/screens.md is produced from the real renderers: the script runs and shows each answer."""

from __future__ import annotations

from bench.screens import document


def test_the_screens_document_shows_every_answer() -> None:
    text = document()
    for heading in (
        "## /scout list",
        "## /scout object",
        "## /scout ephemeris",
        "## /scout orbits",
        "## /scout observations",
        "## Alert: new object",
        "## Alert: update",
        "## Alert: removal",
        "## /alerts list",
    ):
        assert heading in text
    assert "Stale" in text and "rated 1 or more" in text and "ToConfirm_PrevDes" in text
