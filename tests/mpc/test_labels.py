"""The label rules: the four formats of the MPC's document, to the last character."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import InvalidInput
from bot.mpc.labels import (
    ACCEPTED_FORMATS,
    EXAMPLES,
    PATTERNS,
    LabelFormat,
    label_formats,
    parse_label,
)

TRKSUB, TRKID = LabelFormat.TRKSUB, LabelFormat.TRKID
SUB_ID, BLOCK_ID = LabelFormat.SUBMISSION_ID, LabelFormat.SUBMISSION_BLOCK_ID

SUBMISSION = "2024-05-02T21:03:35.001_0000FzZw"
TRACKLET_ALPHABET = "ABCXYZabcxyz0189-_"


def refusal(raw: str) -> str:
    with pytest.raises(InvalidInput) as caught:
        parse_label(raw)
    return str(caught.value)


# Copied from ../shared/seeds/mpc-action-codes-api.txt; a change here is a change of
# contract and should be made on purpose.
DOCUMENT_REGEXES = {
    TRKSUB: r"^[-A-Za-z0-9_]{1,8}$",
    TRKID: r"^[-A-Za-z0-9_]{8,12}$",
    BLOCK_ID: r"^\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-6]\d\.\d{3}_\w{8}_\d{2}$",
    SUB_ID: r"^\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-6]\d\.\d{3}_\w{8}$",
}


class TestTheDocumentsRegexes:
    @pytest.mark.parametrize("fmt", list(LabelFormat))
    def test_each_pattern_is_the_documents_own_matched_whole(self, fmt: LabelFormat) -> None:
        assert f"^{PATTERNS[fmt].pattern}$" == DOCUMENT_REGEXES[fmt]

    @pytest.mark.parametrize("fmt", list(LabelFormat))
    def test_the_patterns_are_ascii_only(self, fmt: LabelFormat) -> None:
        assert PATTERNS[fmt].flags & re.ASCII

    @pytest.mark.parametrize(
        ("example", "formats"),
        [
            ("A10cnQO", (TRKSUB,)),
            ("00000DwbEz", (TRKID,)),
            (SUBMISSION, (SUB_ID,)),
            (SUBMISSION + "_01", (BLOCK_ID,)),
            # The tutorial's examples: its trksub has 8 characters, so it is a trkid too.
            ("ABC12345", (TRKSUB, TRKID)),
            ("ABCD12345678", (TRKID,)),
            ("2024-01-15T10:30:00.123_ABCD1234", (SUB_ID,)),
            ("2024-01-15T10:30:00.123_ABCD1234_01", (BLOCK_ID,)),
            ("2026-01-01T00:05:07.453_0000BhCE", (SUB_ID,)),
        ],
    )
    def test_the_documents_examples_are_recognised(
        self, example: str, formats: tuple[LabelFormat, ...]
    ) -> None:
        assert parse_label(example).formats == formats

    def test_the_examples_the_bot_shows_are_of_the_format_they_illustrate(self) -> None:
        for fmt, example in EXAMPLES.items():
            assert parse_label(example).formats == (fmt,)
            assert f"`{example}`" in ACCEPTED_FORMATS


class TestTrksubAndTrkidLengths:
    @pytest.mark.parametrize(
        ("length", "formats"),
        [
            (1, (TRKSUB,)),
            (7, (TRKSUB,)),
            (8, (TRKSUB, TRKID)),
            (9, (TRKID,)),
            (12, (TRKID,)),
        ],
    )
    def test_length_decides_the_format(self, length: int, formats: tuple[LabelFormat, ...]) -> None:
        assert parse_label("A1-_b2c3d4e5"[:length]).formats == formats

    def test_eight_characters_fit_both_and_say_so(self) -> None:
        label = parse_label("A1-_b2c3")
        assert label.is_ambiguous
        assert label.kind == "trksub or trkid"

    def test_one_format_is_not_ambiguous(self) -> None:
        label = parse_label("A10cnQO")
        assert not label.is_ambiguous
        assert label.kind == "trksub"

    def test_thirteen_characters_are_too_long_for_either(self) -> None:
        message = refusal("A1-_b2c3d4e5f")
        assert "13 characters long" in message and "at most 12" in message

    @pytest.mark.parametrize("raw", ["", "   ", "\t\n"])
    def test_nothing_at_all_is_refused(self, raw: str) -> None:
        assert refusal(raw).startswith("The label is empty.")

    @given(st.text(alphabet=TRACKLET_ALPHABET, min_size=1, max_size=20))
    def test_any_run_of_tracklet_characters_is_accepted_up_to_twelve(self, text: str) -> None:
        if len(text) > 12:
            with pytest.raises(InvalidInput):
                parse_label(text)
            return
        formats = parse_label(text).formats
        assert (TRKSUB in formats) == (len(text) <= 8)
        assert (TRKID in formats) == (len(text) >= 8)


class TestCharacters:
    @pytest.mark.parametrize(
        "raw",
        [
            "ABC.123",  # a dot
            "ABC/123",
            "ABC+123",
            "K24A00B*",
            "ABCé12",  # a letter outside ASCII
            "ＡＢＣ１２",  # fullwidth letters and digits
            "AB\u200bC",  # a zero-width space is not whitespace, so it is not trimmed
        ],
    )
    def test_only_ascii_letters_digits_dash_and_underscore(self, raw: str) -> None:
        assert "only letters, digits, `-` and `_`" in refusal(raw)

    @pytest.mark.parametrize("raw", ["ABC 123", "ABC\n123", "ABC\t1"])
    def test_whitespace_inside_a_label_is_refused(self, raw: str) -> None:
        assert refusal(raw).startswith("A label has no spaces in it.")

    @pytest.mark.parametrize(
        "raw",
        ["  A10cnQO", "A10cnQO  ", "\tA10cnQO\n", "\u00a0A10cnQO\u3000", "A10cnQO\n"],
    )
    def test_whitespace_around_a_label_is_trimmed(self, raw: str) -> None:
        label = parse_label(raw)
        assert label.text == "A10cnQO"
        assert label.formats == (TRKSUB,)

    def test_a_bare_date_is_a_trkid_as_far_as_the_mpcs_regex_goes(self) -> None:
        # Ten characters of letters, digits and "-": the MPC's trkid regex admits it, so
        # the bot sends it and lets the MPC say whether it knows it.
        assert parse_label("2024-05-02").formats == (TRKID,)

    def test_a_trimmed_label_is_classified_after_trimming(self) -> None:
        # 12 characters once trimmed, 14 as typed.
        assert parse_label(" ABCD12345678 ").formats == (TRKID,)


class TestSubmissionIds:
    @pytest.mark.parametrize(
        "raw",
        [
            SUBMISSION,
            "2024-12-31T23:59:59.999_0000FzZw",
            "0000-00-00T00:00:00.000_00000000",
            # The MPC's regex checks digits, not the calendar: month 19, day 39, hour 29
            # and second 69 pass it, and the bot follows the MPC's regex, not a calendar.
            "2024-19-39T29:59:69.000_0000FzZw",
            "2024-05-02T21:03:35.001_0000Fz_w",  # \w includes the underscore
        ],
    )
    def test_accepted(self, raw: str) -> None:
        assert parse_label(raw).formats == (SUB_ID,)

    @pytest.mark.parametrize(
        "raw",
        [
            "2024-20-02T21:03:35.001_0000FzZw",  # month starts with 2
            "2024-05-42T21:03:35.001_0000FzZw",  # day starts with 4
            "2024-05-02T31:03:35.001_0000FzZw",  # hour starts with 3
            "2024-05-02T21:63:35.001_0000FzZw",  # minute starts with 6
            "2024-05-02T21:03:75.001_0000FzZw",  # second starts with 7
            "2024-05-02T21:03:35.01_0000FzZw",  # two digits of milliseconds
            "2024-05-02T21:03:35.0011_0000FzZw",  # four
            "2024-05-02T21:03:35_0000FzZw",  # none
            "2024-05-02T21:03:35.001_0000FzZ",  # 7 characters after the time
            "2024-05-02T21:03:35.001_0000FzZwX",  # 9
            "2024-05-02T21:03:35.001_0000Fz-w",  # "-" is not \w
            "2024-05-02t21:03:35.001_0000FzZw",  # lower-case t
            "2024-05-02T21:03:35.001-0000FzZw",  # "-" for "_"
            "24-05-02T21:03:35.001_0000FzZw",  # two-digit year
            "2024-5-02T21:03:35.001_0000FzZw",  # one-digit month
            "２０２４-05-02T21:03:35.001_0000FzZw",  # fullwidth digits: \d is ASCII here
            "2024-٠5-02T21:03:35.001_0000FzZw",  # an Arabic-Indic zero
            "2024-05-02T21:03:35.001_0000FzZé",  # \w is ASCII here
        ],
    )
    def test_refused(self, raw: str) -> None:
        assert label_formats(raw) == ()
        with pytest.raises(InvalidInput):
            parse_label(raw)

    def test_a_near_miss_is_told_it_looks_like_a_submission_id(self) -> None:
        assert "looks like a submission id" in refusal("2024-05-02T21:03:35_0000FzZw")

    def test_a_submission_id_with_a_space_for_the_t_is_told_about_the_space(self) -> None:
        assert refusal("2024-05-02 21:03:35.001_0000FzZw").startswith("A label has no spaces")

    def test_a_submission_id_is_trimmed(self) -> None:
        assert parse_label(f"  {SUBMISSION}\n").text == SUBMISSION


class TestSubmissionBlockIds:
    @pytest.mark.parametrize("suffix", ["_00", "_01", "_99"])
    def test_a_submission_id_and_two_digits(self, suffix: str) -> None:
        assert parse_label(SUBMISSION + suffix).formats == (BLOCK_ID,)

    @pytest.mark.parametrize("suffix", ["_1", "_001", "_ab", "-01", "_", "_０１", "01"])
    def test_anything_else_after_the_submission_id_is_refused(self, suffix: str) -> None:
        assert label_formats(SUBMISSION + suffix) == ()


class TestRefusals:
    @pytest.mark.parametrize(
        "raw", ["", "ABC 123", "ABC.123", "A1-_b2c3d4e5f", "2024-05-02T21:03:35_0000FzZw"]
    )
    def test_every_refusal_lists_the_four_formats_with_an_example(self, raw: str) -> None:
        message = refusal(raw)
        for fmt, example in EXAMPLES.items():
            assert f"- {fmt}:" in message
            assert f"`{example}`" in message

    def test_a_refusal_does_not_repeat_the_label(self) -> None:
        # It is shown to the one who typed it and written to the log by the error
        # handler, where only the format and outcome belong.
        assert "Wrong.Label" not in refusal("Wrong.Label")

    def test_a_refusal_fits_in_a_discord_message(self) -> None:
        assert len(refusal("x" * 100)) < 2000
