"""Settings: ``config.toml`` (or ``--config PATH``), overridden per key by the environment.

Precedence, highest first: ``SCOUTBOT_<SECTION>__<KEY>`` variables, ``DISCORD_TOKEN``,
then the TOML file, then the defaults below. The token is accepted only from the
environment so that it can never be committed with a config file.
"""

from __future__ import annotations

import json
import logging
import os
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from bot.database_url import mask_url, parse_database_url

DEFAULT_CONFIG_FILE = Path("config.toml")
TOKEN_ENV_VARS = ("SCOUTBOT_DISCORD__TOKEN", "DISCORD_TOKEN")


class ConfigError(Exception):
    """The configuration cannot be used; the message names each bad key."""


class _Section(BaseModel):
    # A misspelt key would otherwise be ignored silently and its default used.
    model_config = ConfigDict(extra="forbid")


class DiscordSettings(_Section):
    token: SecretStr | None = Field(default=None, description="From the environment only.")
    dev_guild_id: int | None = None
    allowed_guilds: list[int] = Field(default_factory=list)

    @field_validator("allowed_guilds", mode="before")
    @classmethod
    def _parse_json_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return json.loads(value) if value.strip() else []
        return value


class ScoutSettings(_Section):
    base_url: AnyHttpUrl = AnyHttpUrl("https://ssd-api.jpl.nasa.gov/scout.api")
    timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    retry_budget_seconds: float = Field(default=45.0, ge=0, le=600)
    # The longest one call may take in all: waiting for its turn, every attempt, every byte
    # (a server may trickle an answer so slowly that no per-read timeout ever fires).
    deadline_seconds: float = Field(default=60.0, gt=0, le=600)
    down_pause_seconds: float = Field(default=120.0, ge=0, le=3600)
    max_in_flight: int = Field(default=4, ge=1, le=32)
    summary_ttl_seconds: float = Field(default=60.0, ge=0)
    now_ephemeris_ttl_seconds: float = Field(default=60.0, ge=0)
    object_ttl_seconds: float = Field(default=900.0, ge=0)
    cache_max_entries: int = Field(default=256, ge=1)


class MpcSettings(_Section):
    action_codes_url: AnyHttpUrl = AnyHttpUrl(
        "https://data.minorplanetcenter.net/api/action-codes/retrieve"
    )
    timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    deadline_seconds: float = Field(default=60.0, gt=0, le=600)
    per_user_per_hour: int = Field(default=5, ge=1, le=100)
    # The MPC asks for at most 5 requests a second to its API; stay well below it.
    global_per_second: float = Field(default=1.0, gt=0, le=4)


class AlertsSettings(_Section):
    enabled: bool = True
    poll_interval_seconds: float = Field(default=120.0, ge=30)
    jitter_seconds: float = Field(default=10.0, ge=0, le=60)
    # An object nobody has found, without new observations this long, is at risk of loss.
    at_risk_hours: float = Field(default=24.0, gt=0, le=24 * 30)


class DatabaseSettings(_Section):
    # As the operator wrote it (check-config shows it so, password masked); the store
    # turns it into its async driver's form.
    url: str = "sqlite:///data/scoutbot.db"

    @field_validator("url")
    @classmethod
    def _usable(cls, value: str) -> str:
        parse_database_url(value)  # DatabaseUrlError is a ValueError: pydantic reports it
        return value

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        yield "url", mask_url(self.url)


class HealthSettings(_Section):
    # Relative to the working directory, like the SQLite default; `scout-bot health` reads it.
    heartbeat_file: Path = Path("data/heartbeat.json")


class MetricsSettings(_Section):
    enabled: bool = False
    # Only this machine by default; 0.0.0.0 in a container, for a scraper on another host.
    host: str = "127.0.0.1"
    port: int = Field(default=9108, ge=0, le=65535)


class LoggingSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"

    @field_validator("level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SCOUTBOT_",
        env_nested_delimiter="__",
        extra="forbid",
        case_sensitive=False,
    )

    discord: DiscordSettings = Field(default_factory=DiscordSettings)
    scout: ScoutSettings = Field(default_factory=ScoutSettings)
    mpc: MpcSettings = Field(default_factory=MpcSettings)
    alerts: AlertsSettings = Field(default_factory=AlertsSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    health: HealthSettings = Field(default_factory=HealthSettings)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The TOML file arrives as init kwargs; the environment must win over it.
        return (env_settings, _PlainTokenSource(settings_cls), init_settings)

    def masked(self) -> dict[str, Any]:
        """The effective settings as plain data, with every secret masked."""
        data: dict[str, Any] = self.model_dump(mode="json")
        data["discord"]["token"] = "**********" if self.discord.token else None
        data["database"]["url"] = mask_url(self.database.url)
        return data


class _PlainTokenSource(PydanticBaseSettingsSource):
    """Reads the conventional ``DISCORD_TOKEN`` variable."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        token = os.environ.get("DISCORD_TOKEN")
        return {"discord": {"token": token}} if token else {}


def load_settings(path: Path | None = None) -> Settings:
    """Read ``path`` (or ./config.toml if it exists) and the environment."""
    data = _read_toml(path)
    if "token" in data.get("discord", {}):
        raise ConfigError(
            "discord.token: the token must not be kept in a file; "
            "set the DISCORD_TOKEN environment variable instead"
        )
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc)) from None


def _read_toml(path: Path | None) -> dict[str, Any]:
    explicit = path is not None
    path = path or DEFAULT_CONFIG_FILE
    if not path.exists():
        if explicit:
            raise ConfigError(f"config file not found: {path}")
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None


def describe_validation_error(exc: ValidationError) -> str:
    """One line per bad key: ``section.key: what is wrong (got value)``."""
    lines = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"])
        got = error.get("input")
        if key == "database.url" and isinstance(got, str):
            got = mask_url(got)
        shown = "" if isinstance(got, dict) or "token" in key else f" (got {got!r})"
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"{key}: {message}{shown}")
    return "invalid configuration:\n  " + "\n  ".join(lines)


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.logging.level,
        format="%(asctime)s %(levelname)-8s %(name)s: %(message)s",
    )
    # discord.py logs each gateway event at DEBUG; keep our DEBUG readable.
    logging.getLogger("discord").setLevel(max(logging.INFO, logging.root.level))
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Alembic talks at every start; the store logs one line when the schema changes.
    logging.getLogger("alembic").setLevel(logging.WARNING)
