"""Discord adapters. Every module (or package) here is an extension the bot loads at start."""

import pkgutil


def extension_names() -> list[str]:
    """Every module and package in ``cogs/`` whose name does not start with "_"."""
    return sorted(
        f"{__name__}.{module.name}"
        for module in pkgutil.iter_modules(__path__)
        if not module.name.startswith("_")
    )
