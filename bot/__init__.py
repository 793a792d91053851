"""scout-bot: a self-hosted Discord bot for NEO follow-up observers."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/scout-bot/scout-bot"
USER_AGENT = f"scout-bot/{__version__} (+{PROJECT_URL})"
