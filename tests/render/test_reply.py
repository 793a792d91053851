"""Reply: the limits Discord puts on one message, checked before sending."""

from __future__ import annotations

import discord
import pytest

from bot.render.reply import Attachment, Reply, embed_problems, safe_filename


def test_eleven_embeds_or_attachments_are_refused() -> None:
    with pytest.raises(AssertionError, match="too many embeds"):
        Reply(embeds=[discord.Embed(title="x") for _ in range(11)]).check_limits()
    with pytest.raises(AssertionError, match="too many attachments"):
        Reply(attachments=[Attachment(f"{i}.txt", b"") for i in range(11)]).check_limits()


def test_embeds_over_6000_characters_together_are_refused() -> None:
    embeds = [discord.Embed(description="x" * 4000) for _ in range(2)]
    with pytest.raises(AssertionError, match="embeds too long"):
        Reply(embeds=embeds).check_limits()


def test_per_embed_limits_are_named() -> None:
    embed = discord.Embed(title="t" * 257, description="d" * 4097)
    for i in range(26):
        embed.add_field(name=f"f{i}", value="v")
    problems = embed_problems(embed)
    assert "title too long" in problems
    assert "description too long" in problems
    assert "too many fields" in problems


def test_files_are_fresh_on_every_send() -> None:
    reply = Reply(attachments=[Attachment("a.csv", b"1,2\n")])
    first = reply.send_kwargs()["files"][0]
    second = reply.send_kwargs()["files"][0]
    assert first is not second
    assert first.fp.read() == b"1,2\n" and second.fp.read() == b"1,2\n"
    assert first.filename == "a.csv"


def test_safe_filenames() -> None:
    assert safe_filename("A11EBEK_qr_e.png") == "A11EBEK_qr_e.png"
    assert safe_filename("a b/c.png") == "a_b_c.png"
    assert safe_filename("../..") == "file"
    assert len(safe_filename("x" * 500)) == 100
    long_png = safe_filename("L" * 300 + "_qr_e.png")
    assert len(long_png) == 100 and long_png.endswith(".png")
