"""/scout observations: the MPC file reaches the observer unchanged, with a preview."""

from __future__ import annotations

from bot.render.observations import observations_reply
from bot.scout.models import ObjectObservations
from tests.builders import make_object
from tests.recorded import observations, payload


def test_the_file_is_attached_byte_for_byte() -> None:
    reply = observations_reply(observations())
    reply.check_limits()
    (attachment,) = reply.attachments
    assert attachment.filename == "ZTF10DD_observations.txt"
    assert attachment.data == payload("object_ZTF10DD_file_mpc.json")["fileMPC"].encode()


def test_the_preview_shows_the_first_lines_in_a_code_block() -> None:
    text = "".join(f"     P10vY9r  C2026 04 04.{i:05d} line {i}\n" for i in range(30))
    reply = observations_reply(ObjectObservations(object=make_object(), text=text))
    # In the message body, where 80 columns fit (an embed holds about 55).
    preview = reply.content or ""
    assert (reply.embeds[0].description or "").startswith("30 observation lines; the first 8")
    assert "line 0" in preview and "line 7" in preview and "line 8" not in preview
    assert preview.startswith("```\n") and preview.count("```") == 2


def test_backticks_in_the_file_cannot_break_the_preview() -> None:
    reply = observations_reply(ObjectObservations(object=make_object(), text="a```b\n"))
    assert (reply.content or "").count("```") == 2
    assert reply.attachments[0].data == b"a```b\n"


def test_very_long_lines_keep_the_preview_within_limits() -> None:
    text = ("X" * 3000 + "\n") * 10
    reply = observations_reply(ObjectObservations(object=make_object(), text=text))
    reply.check_limits()
    assert reply.attachments[0].data == text.encode()


def test_no_file_is_a_sentence() -> None:
    reply = observations_reply(ObjectObservations(object=make_object(), text=None))
    assert reply.attachments == []
    assert "has no MPC observation file" in (reply.embeds[0].description or "")
