"""Discord adapters. Every module here is an extension the bot loads at start."""
