"""Command line: ``scout-bot`` runs the bot; ``check-config``, ``health`` and ``sync`` help
operate it."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path

from bot import __version__
from bot.config import ConfigError, Settings, configure_logging, load_settings
from bot.database_url import driver_missing, mask_url, parse_database_url
from bot.heartbeat import read_health

log = logging.getLogger("bot")

NO_TOKEN = (
    "error: no Discord bot token. Set the DISCORD_TOKEN environment variable "
    "(or SCOUTBOT_DISCORD__TOKEN) to your application's bot token."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scout-bot", description="A Discord bot for NEO follow-up (JPL Scout, MPC)."
    )
    parser.add_argument("--version", action="version", version=f"scout-bot {__version__}")
    parser.add_argument(
        "--config", type=Path, default=None, help="TOML file (default: ./config.toml if present)"
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (the default)")
    sub.add_parser("check-config", help="print the effective configuration, secrets masked")
    sub.add_parser(
        "health",
        help="exit 0 if the running bot is healthy (its heartbeat is fresh: gateway "
        "connected, loops running), else 1; for container health checks",
    )
    db = sub.add_parser("db", help="the database: upgrade, current, copy")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser(
        "upgrade", help="migrate database.url to the newest schema (the bot does it at start)"
    )
    db_commands.add_parser(
        "current", help="print database.url's schema revision; exit 1 if not the newest"
    )
    copy = db_commands.add_parser(
        "copy", help="copy every row of one database into another, empty one"
    )
    copy.add_argument("--from", dest="source", required=True, metavar="URL")
    copy.add_argument("--to", dest="target", required=True, metavar="URL")
    sync = sub.add_parser("sync", help="register the slash commands with Discord")
    sync.add_argument("--guild", type=int, default=None, help="only in this server (for testing)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.command == "check-config":
        return _check_config(settings)
    if args.command == "health":
        return _health(settings)
    if args.command == "db":
        return asyncio.run(_database(args, settings))
    if settings.discord.token is None:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    configure_logging(settings)
    if args.command == "sync":
        return asyncio.run(_sync(settings, args.guild))
    return _exit_even_if_something_lingers(asyncio.run(_run(settings)))


def _check_config(settings: Settings) -> int:
    print(json.dumps(settings.masked(), indent=2))
    missing = driver_missing(parse_database_url(settings.database.url))
    if missing is not None:
        print(f"error: database.url: {missing}", file=sys.stderr)
        return 2
    return 0


def _health(settings: Settings) -> int:
    reading = read_health(settings.health.heartbeat_file)
    print(reading.message, file=sys.stdout if reading.healthy else sys.stderr)
    return 0 if reading.healthy else 1


async def _database(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store import StoreError, admin, migrations

    url = settings.database.url
    shown = mask_url(url)
    try:
        if args.db_command == "upgrade":
            done = await admin.upgrade(url)
            if done.changed:
                print(f"{shown}: schema {done.before or 'new'} -> {done.after}")
            else:
                print(f"{shown}: schema {done.after}, the newest; nothing to do")
            return 0
        if args.db_command == "current":
            found, newest = await admin.current(url), migrations.head()
            if found == newest:
                print(f"{shown}: schema {found}, the newest")
                return 0
            print(
                f"{shown}: schema {found or 'none'}; the newest is {newest}: "
                "run scout-bot db upgrade"
            )
            return 1
        copied = await admin.copy(
            args.source, args.target, report=lambda table, rows: print(f"  {table}: {rows} rows")
        )
        print(
            f"copied {sum(copied.values())} rows from {mask_url(args.source)} "
            f"to {mask_url(args.target)}"
        )
        return 0
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


async def _run(settings: Settings) -> int:
    from bot.client import ScoutBot
    from cogs import extension_names

    bot = ScoutBot(settings, extension_names())
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, lambda: asyncio.ensure_future(bot.close()))
    async with _start_failures_as_one_line():
        async with bot:
            await bot.start(_token(settings))
        if not await _leftover_tasks_ended():
            return _exit_now(0)
        log.info("stopped")
        return 0
    return 1


async def _sync(settings: Settings, guild_id: int | None) -> int:
    from bot.client import ScoutBot
    from cogs import extension_names

    bot = ScoutBot(settings, extension_names())
    async with _start_failures_as_one_line():
        async with bot:
            await bot.login(_token(settings))
            commands = await bot.sync_commands(guild_id)
        where = f"server {guild_id}" if guild_id else "all servers (global; may take a while)"
        names = ", ".join(command.name for command in commands)
        print(f"registered {len(commands)} commands in {where}: {names}")
        return 0
    return 1


def _token(settings: Settings) -> str:
    assert settings.discord.token is not None  # main() checked
    return settings.discord.token.get_secret_value()


@contextlib.asynccontextmanager
async def _start_failures_as_one_line() -> AsyncIterator[None]:
    """What stops the bot from starting is an operator's problem: one line, no traceback."""
    import aiohttp
    import discord

    from bot.metrics import MetricsUnavailable
    from bot.store import StoreError

    try:
        yield
    except discord.LoginFailure:
        log.error("Discord refused the bot token: check DISCORD_TOKEN")
    except discord.PrivilegedIntentsRequired:
        log.error("Discord refused the gateway intents this bot asked for")
    except discord.HTTPException as exc:
        log.error("Discord refused a request at start: %s", exc)
    except MetricsUnavailable as exc:
        log.error("%s (metrics.host, metrics.port)", exc)
    except StoreError as exc:
        log.error("database.url: %s", exc)
    except (aiohttp.ClientError, OSError) as exc:
        log.error("could not reach Discord: %s", exc)


# A stop must end the process within the container's grace period, however it went: the
# operator's next start waits on it. Anything still running after the bot has closed is a
# bug, so it is named in the log for the next person, and the process exits regardless.
LEFTOVER_GRACE_SECONDS = 3.0
# How each such line starts; the e2e harness fails a run whose log has one.
LEFTOVER_WARNING = "stopped, but these"


async def _leftover_tasks_ended() -> bool:
    current = asyncio.current_task()
    leftovers = [task for task in asyncio.all_tasks() if task is not current]
    for task in leftovers:
        task.cancel()
    if not leftovers:
        return True
    _, pending = await asyncio.wait(leftovers, timeout=LEFTOVER_GRACE_SECONDS)
    if pending:
        names = ", ".join(sorted(task.get_name() for task in pending))
        log.warning("%s tasks ignored their cancellation: %s", LEFTOVER_WARNING, names)
        return False
    return True


def _exit_even_if_something_lingers(code: int) -> int:
    lingering = [
        thread
        for thread in threading.enumerate()
        if thread is not threading.main_thread() and not thread.daemon and thread.is_alive()
    ]
    for thread in lingering:
        thread.join(LEFTOVER_GRACE_SECONDS / len(lingering))
    still = [thread.name for thread in lingering if thread.is_alive()]
    if not still:
        return code
    log.warning("%s threads did not end: %s", LEFTOVER_WARNING, ", ".join(still))
    return _exit_now(code)


def _exit_now(code: int) -> int:
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
