"""What the asker reads once the MPC has taken an /actioncode request."""

from __future__ import annotations

import pytest

from bot.mpc import ActionCodeResult, parse_label
from bot.render.actioncode import accepted_message


class TestAcceptedMessage:
    def test_names_the_format_and_says_where_the_code_goes(self) -> None:
        message = accepted_message(ActionCodeResult(parse_label("00000DwbEz"), 200))
        assert "Your label is a **trkid**." in message
        assert "e-mails the code to the address of the original submission" in message
        assert "never shown here" in message
        assert "If the MPC knows this label" in message

    def test_an_eight_character_label_is_said_to_fit_both(self) -> None:
        message = accepted_message(ActionCodeResult(parse_label("ABC12345"), 200))
        assert "fits both a **trksub** and a **trkid**" in message

    @pytest.mark.parametrize(
        ("label", "kind"),
        [
            ("2024-05-02T21:03:35.001_0000FzZw", "submission id"),
            ("2024-05-02T21:03:35.001_0000FzZw_01", "submission block id"),
        ],
    )
    def test_submission_labels(self, label: str, kind: str) -> None:
        message = accepted_message(ActionCodeResult(parse_label(label), 200))
        assert f"Your label is a **{kind}**." in message

    def test_never_repeats_the_label(self) -> None:
        assert "A10cnQO" not in accepted_message(ActionCodeResult(parse_label("A10cnQO"), 200))
