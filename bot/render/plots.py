"""``/scout plots``: Scout's PNGs as attachments, each shown in its own embed."""

from __future__ import annotations

from typing import Final
from urllib.parse import quote

import discord

from bot.render import safe
from bot.render.common import (
    DATA_FOOTER,
    EMBED_TITLE_LIMIT,
    MESSAGE_EMBEDS_LIMIT,
    MESSAGE_FILES_LIMIT,
    object_colour,
    scout_url,
    shown,
    truncate,
)
from bot.render.reply import Attachment, Reply, safe_filename
from bot.scout.models import PLOT_KEYS, ObjectPlots

# What each known plot shows; any other ``*_fig`` key is named from the key itself.
PLOT_TITLES: Final[dict[str, str]] = {
    "qr_e_fig": "perihelion distance vs eccentricity",
    "qr_in_fig": "perihelion distance vs inclination",
    "qr_H_fig": "perihelion distance vs absolute magnitude",
    "H_hist_fig": "absolute magnitude histogram",
    "moid_hist_fig": "MOID histogram",
    "ca_dist_cdf_fig": "close-approach distance, cumulative",
    "tca_hist_fig": "close-approach time histogram",
    "ca_dist_hist_fig": "close-approach distance histogram",
    "rms_sysran_fig": "systematic ranging: RMS",
    "H_sysran_fig": "systematic ranging: absolute magnitude",
}
KIND_NAMES: Final[dict[str, str]] = {
    "el": "orbital-element",
    "ca": "close-approach",
    "sr": "systematic-ranging",
}
_PER_MESSAGE: Final = min(MESSAGE_EMBEDS_LIMIT, MESSAGE_FILES_LIMIT)


def plot_stem(key: str) -> str:
    """``qr_e_fig`` -> ``qr_e``."""
    return key.removesuffix("_fig")


def plot_filename(designation: str, key: str) -> str:
    """``A11EBEK_qr_e.png``. The designation is cut, never the plot's name, so that
    every file of one message has its own name."""
    return safe_filename(f"{designation[:40]}_{plot_stem(key)}.png")


def plot_url(designation: str, key: str) -> str:
    """The object's Scout page, made distinct per plot.

    Discord folds embeds that share a url into the first one, showing its title over at
    most four images: ten plots linking the same page would show four, under one name.
    The query is ignored by the Scout page (its route is after the ``#``).
    """
    page, hash_mark, route = scout_url(designation).partition("#")
    return f"{page}?plot={quote(plot_stem(key), safe='')}{hash_mark}{route}"


def plot_title(key: str) -> str:
    return PLOT_TITLES.get(key) or safe.text(plot_stem(key).replace("_", " "), limit=60)


def plot_kind(key: str) -> str | None:
    return next((kind for kind, keys in PLOT_KEYS.items() if key in keys), None)


def plots_replies(result: ObjectPlots) -> list[Reply]:
    """Messages of at most 10 plots each, then a sentence for what Scout did not have.

    Never empty: when Scout sent no plot at all, one message says so.
    """
    obj = result.object
    available = result.available()
    missing = sorted(key for key, png in result.plots.items() if png is None)
    replies: list[Reply] = []
    items = sorted(available.items(), key=lambda item: _order(item[0]))
    for start in range(0, len(items), _PER_MESSAGE):
        embeds, attachments = [], []
        for key, png in items[start : start + _PER_MESSAGE]:
            attachment = Attachment(plot_filename(obj.designation, key), png, plot_title(key))
            embed = discord.Embed(
                title=truncate(f"{shown(obj.designation)}: {plot_title(key)}", EMBED_TITLE_LIMIT),
                url=plot_url(obj.designation, key),
                colour=object_colour(obj),
            )
            embed.set_image(url=attachment.url)
            embed.set_footer(text=DATA_FOOTER)
            embeds.append(embed)
            attachments.append(attachment)
        replies.append(Reply(embeds=embeds, attachments=attachments))
    note = missing_plots_sentence(
        shown(obj.designation), result.kinds, missing, any_sent=bool(items)
    )
    if note:
        if replies and replies[-1].content is None:
            last = replies[-1]
            replies[-1] = Reply(content=note, embeds=last.embeds, attachments=last.attachments)
        else:
            replies.append(Reply(content=note))
    return replies


def missing_plots_sentence(
    designation: str, kinds: frozenset[str], missing: list[str], *, any_sent: bool
) -> str | None:
    """Plain words for the plots Scout has not got; None when nothing is missing."""
    if not missing and any_sent:
        return None
    if not missing:
        asked = ", ".join(KIND_NAMES.get(kind, kind) for kind in sorted(kinds)) or "any"
        return f"Scout has no {asked} plots for {designation}."
    sentences = []
    close_approach = [key for key in missing if plot_kind(key) == "ca"]
    others = [key for key in missing if plot_kind(key) != "ca"]
    if close_approach:
        sentences.append(
            f"No close-approach plots for {designation}: none of its sampled orbits comes "
            "within 0.5 LD of the Earth, and Scout draws them only for those that do."
        )
    if others:
        names = ", ".join(plot_title(key) for key in others)
        sentences.append(f"Scout has no {names} plot for {designation}.")
    return " ".join(sentences)


def _order(key: str) -> tuple[int, int, str]:
    """Scout's own order: el, ca, sr, each in the order the document lists its plots."""
    for kind_index, (_kind, keys) in enumerate(PLOT_KEYS.items()):
        if key in keys:
            return kind_index, keys.index(key), key
    return len(PLOT_KEYS), 0, key
