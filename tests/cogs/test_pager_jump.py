"""The pagers' Jump… button: a form for a page number or a designation, checked as the
/scout list ``page`` and ``find`` options are, answered by turning the page in place."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.errors import InvalidInput
from bot.neocp.filters import ListOptions, select_objects
from bot.render.listing import OBJECTS_PER_PAGE
from cogs.scout import DYNAMIC_ITEMS, Scout
from cogs.scout.paging import JUMP_FORM_SECONDS, Jump, JumpForm, read_jump
from tests.helpers import (
    make_interaction,
    make_member,
    message_showing,
    press_button,
    submit_form,
)
from tests.recorded import summary


@pytest.mark.parametrize(
    ("typed", "jump"),
    [("3", Jump(index=2)), (" 1 ", Jump(index=0)), ("10000", Jump(index=9999))],
)
def test_a_page_number(typed: str, jump: Jump) -> None:
    assert read_jump(typed) == jump


@pytest.mark.parametrize("typed", ["ZTF10El", "ztf", "A11 "])
def test_anything_else_is_a_designation_to_find(typed: str) -> None:
    assert read_jump(typed) == Jump(find=typed.strip())


@pytest.mark.parametrize(
    ("typed", "refusal"),
    [("0", "Pages run from 1 to 10000"), ("10001", "Pages run from 1 to 10000"),
     ("  ", "Type a page number or a designation"), ("x" * 41, "at most 40 characters")],
)  # fmt: skip
def test_what_the_options_refuse_the_form_refuses(typed: str, refusal: str) -> None:
    with pytest.raises(InvalidInput, match=refusal):
        read_jump(typed)


async def _list_message(cog: Scout, owner: Any) -> Any:
    asked = make_interaction(client=cog.bot, user=owner)
    await cog.list_objects.callback(cog, asked)
    return message_showing(asked.followup.send.await_args.kwargs["view"])


async def _opened_form(cog: Scout, message: Any, owner: Any) -> JumpForm:
    press = make_interaction(
        client=cog.bot, user=owner, kind=discord.InteractionType.component, message=message
    )
    await press_button(press, "Jump…", DYNAMIC_ITEMS)
    form = press.response.send_modal.await_args.args[0]
    assert isinstance(form, JumpForm)
    return form


def _submitted(cog: Scout, message: Any, user: Any) -> Any:
    return make_interaction(
        client=cog.bot, user=user, kind=discord.InteractionType.modal_submit, message=message
    )


async def test_jump_to_a_page_turns_the_list_in_place(cog: Scout) -> None:
    owner = make_member()
    message = await _list_message(cog, owner)
    form = await _opened_form(cog, message, owner)
    assert form.timeout == JUMP_FORM_SECONDS  # a form never sent does not linger

    submitted = _submitted(cog, message, owner)
    await submit_form(form, submitted, "4")

    submitted.response.defer.assert_awaited_once_with(thinking=False)
    edit = submitted.edit_original_response.await_args.kwargs
    assert edit["embed"].footer.text.startswith("Page 4/5")


async def test_jump_to_a_designation_shows_its_page(cog: Scout) -> None:
    owner = make_member()
    message = await _list_message(cog, owner)
    on_page_3 = select_objects(summary().objects, ListOptions.build())[2 * OBJECTS_PER_PAGE]
    form = await _opened_form(cog, message, owner)
    submitted = _submitted(cog, message, owner)

    await submit_form(form, submitted, on_page_3.designation)

    edit = submitted.edit_original_response.await_args.kwargs
    assert edit["embed"].footer.text.startswith("Page 3/5")
    assert str(edit["embed"].fields[0].name).startswith(f"{on_page_3.designation} ·")


async def test_a_designation_in_no_row_is_refused_privately(cog: Scout) -> None:
    owner = make_member()
    message = await _list_message(cog, owner)
    form = await _opened_form(cog, message, owner)
    submitted = _submitted(cog, message, owner)

    await submit_form(form, submitted, "NOPE123")

    submitted.edit_original_response.assert_not_awaited()
    answer = submitted.followup.send.await_args
    assert answer.kwargs == {"ephemeral": True}
    assert answer.args[0].startswith("No object in this list matches `NOPE123`")


async def test_a_page_out_of_range_is_refused_before_scout_is_asked(cog: Scout) -> None:
    owner = make_member()
    message = await _list_message(cog, owner)
    form = await _opened_form(cog, message, owner)
    cog.bot.scout_client.summary.reset_mock()
    submitted = _submitted(cog, message, owner)

    await submit_form(form, submitted, "0")

    cog.bot.scout_client.summary.assert_not_awaited()
    submitted.response.send_message.assert_awaited_once_with(
        "Pages run from 1 to 10000; type one of them.", ephemeral=True
    )


async def test_only_the_owner_may_open_or_send_the_form(cog: Scout) -> None:
    owner, stranger = make_member(member_id=4242), make_member()
    message = await _list_message(cog, owner)
    press = make_interaction(
        client=cog.bot, user=stranger, kind=discord.InteractionType.component, message=message
    )
    await press_button(press, "Jump…", DYNAMIC_ITEMS)
    press.response.send_modal.assert_not_awaited()
    refusal = "Only <@4242> can page this list; run /scout list for your own."
    press.response.send_message.assert_awaited_once_with(refusal, ephemeral=True)

    form = await _opened_form(cog, message, owner)
    submitted = _submitted(cog, message, stranger)
    await submit_form(form, submitted, "2")
    submitted.edit_original_response.assert_not_awaited()


async def test_a_bug_in_the_form_is_answered_with_a_reference(cog: Scout) -> None:
    owner = make_member()
    form = await _opened_form(cog, await _list_message(cog, owner), owner)
    submitted = _submitted(cog, None, owner)
    await form.on_error(submitted, ZeroDivisionError("boom"))
    assert "quote reference" in submitted.response.send_message.await_args.args[0]
