"""/scout plots: PNGs named by what they plot, shown in embeds, sentences for missing ones."""

from __future__ import annotations

from bot.render.plots import plot_filename, plots_replies
from bot.scout.models import PLOT_KEYS, PLOT_KINDS
from tests.builders import PNG, make_object, make_plots


def _all(kinds: frozenset[str], missing: frozenset[str] = frozenset()) -> dict[str, bytes | None]:
    return {
        key: None if kind in missing else PNG + key.encode()
        for kind in sorted(kinds)
        for key in PLOT_KEYS[kind]
    }


def test_files_are_named_after_the_object_and_the_plot() -> None:
    assert plot_filename("A11EBEK", "qr_e_fig") == "A11EBEK_qr_e.png"
    assert plot_filename("A11EBEK", "weird key_fig") == "A11EBEK_weird_key.png"


def test_every_plot_is_attached_once_and_shown_in_its_own_embed() -> None:
    obj = make_object(objectName="A11EBEK")
    (reply,) = plots_replies(make_plots(obj, PLOT_KINDS, _all(PLOT_KINDS)))
    reply.check_limits()
    assert len(reply.attachments) == 10
    assert [a.filename for a in reply.attachments][:4] == [
        "A11EBEK_qr_e.png",
        "A11EBEK_qr_in.png",
        "A11EBEK_qr_H.png",
        "A11EBEK_H_hist.png",
    ]
    images = [embed.image.url for embed in reply.embeds]
    assert images == [f"attachment://{a.filename}" for a in reply.attachments]
    assert reply.attachments[0].data == PNG + b"qr_e_fig"
    assert reply.content is None


def test_more_than_ten_plots_go_in_several_messages() -> None:
    obj = make_object()
    plots = _all(PLOT_KINDS) | {f"extra{i}_fig": PNG for i in range(5)}
    replies = plots_replies(make_plots(obj, PLOT_KINDS, plots))
    assert [len(reply.attachments) for reply in replies] == [10, 5]
    for reply in replies:
        reply.check_limits()


def test_missing_close_approach_plots_are_explained_in_plain_words() -> None:
    obj = make_object(objectName="A11EBEK")
    plots = _all(frozenset({"el", "ca"}), missing=frozenset({"ca"}))
    (reply,) = plots_replies(make_plots(obj, frozenset({"el", "ca"}), plots))
    assert len(reply.attachments) == 4
    assert reply.content is not None
    assert "No close-approach plots for A11EBEK" in reply.content
    assert "0.5 LD" in reply.content


def test_no_plot_at_all_is_a_sentence_not_an_empty_message() -> None:
    obj = make_object(objectName="A11EBEK")
    (reply,) = plots_replies(
        make_plots(obj, frozenset({"ca"}), _all(frozenset({"ca"}), frozenset({"ca"})))
    )
    assert reply.attachments == [] and reply.embeds == []
    assert reply.content is not None and "0.5 LD" in reply.content


def test_scout_sending_nothing_for_the_kinds_asked_is_said_too() -> None:
    (reply,) = plots_replies(make_plots(make_object(), frozenset({"sr"}), {}))
    assert reply.content == "Scout has no systematic-ranging plots for P10vY9r."


def test_a_long_designation_keeps_titles_and_file_names_within_limits() -> None:
    obj = make_object(objectName="L" * 300)
    (reply,) = plots_replies(make_plots(obj, frozenset({"el"}), _all(frozenset({"el"}))))
    reply.check_limits()
    assert all(len(a.filename) <= 100 for a in reply.attachments)
    names = [a.filename for a in reply.attachments]
    assert all(name.endswith(".png") for name in names)
    assert len(set(names)) == len(names)


def test_each_plot_links_its_own_url_so_discord_shows_all_ten_with_their_names() -> None:
    """Discord folds embeds sharing a url into one (its title over at most 4 images)."""
    obj = make_object(objectName="A11EBEK")
    (reply,) = plots_replies(make_plots(obj, PLOT_KINDS, _all(PLOT_KINDS)))
    urls = [embed.url for embed in reply.embeds]
    assert len(set(urls)) == len(urls) == 10
    assert urls[0] == "https://cneos.jpl.nasa.gov/scout/?plot=qr_e#/object/A11EBEK"
    titles = [embed.title for embed in reply.embeds]
    assert len(set(titles)) == 10


def test_plots_of_a_designation_too_long_to_link_still_have_distinct_urls() -> None:
    obj = make_object(objectName="L" * 300)
    (reply,) = plots_replies(make_plots(obj, PLOT_KINDS, _all(PLOT_KINDS)))
    urls = [embed.url for embed in reply.embeds]
    assert len(set(urls)) == 10
