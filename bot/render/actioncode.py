"""The /actioncode answer."""

from __future__ import annotations

from bot.mpc import ActionCodeResult


def accepted_message(result: ActionCodeResult) -> str:
    """What the asker reads once the MPC has taken the request."""
    label = result.label
    if label.is_ambiguous:
        recognised = (
            f"Your label fits both a **{label.formats[0]}** and a **{label.formats[1]}** "
            "(8 characters fit both formats); the MPC looks it up as given."
        )
    else:
        recognised = f"Your label is a **{label.kind}**."
    return (
        f"{recognised}\n"
        "The MPC has been asked to re-send its action code. If the MPC knows this label, "
        "it e-mails the code to the address of the original submission; the code is never "
        "shown here. The MPC does not say whether it knows the label, so if no e-mail "
        "arrives, check the spam folder and the label."
    )
