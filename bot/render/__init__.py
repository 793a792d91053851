"""Discord rendering: embeds, tables and attachments built from the typed Scout models.

Everything here is a pure function of its arguments (no I/O, no clock unless passed in),
so it is tested without Discord. ``common`` holds the formats every embed shares (the
/scout commands and the NEOCP alerts), so a number reads the same wherever it appears.
"""
