"""Settings: the example file, the environment, the token and bad values."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from bot.config import ConfigError, Settings, load_settings
from tests.conftest import REPO

EXAMPLE = REPO / "config.example.toml"


def _keys(model: type[BaseModel], prefix: str = "") -> set[str]:
    keys = set()
    for name, field in model.model_fields.items():
        annotation: Any = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys |= _keys(annotation, f"{prefix}{name}.")
        else:
            keys.add(f"{prefix}{name}")
    return keys


def _documented_keys(text: str) -> set[str]:
    """Keys set in the example, and keys shown commented out (`# key = value`)."""
    keys, section = set(), ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        candidate = line.lstrip("# ")
        if "=" in candidate and not candidate.startswith(("e.g.", "SCOUTBOT")):
            name = candidate.split("=", 1)[0].strip()
            if name.isidentifier():
                keys.add(f"{section}.{name}")
    return keys


def test_example_config_validates() -> None:
    settings = load_settings(EXAMPLE)
    assert settings.alerts.poll_interval_seconds == 120
    assert str(settings.scout.base_url) == "https://ssd-api.jpl.nasa.gov/scout.api"


def test_example_config_documents_every_key_but_the_token() -> None:
    expected = _keys(Settings) - {"discord.token"}
    assert _documented_keys(EXAMPLE.read_text()) == expected


def test_example_config_sets_no_token() -> None:
    assert "token" not in tomllib.loads(EXAMPLE.read_text()).get("discord", {})


def test_defaults_apply_without_a_config_file() -> None:
    settings = load_settings()
    assert settings.database.url == "sqlite:///data/scoutbot.db"
    assert settings.discord.allowed_guilds == []
    assert settings.discord.token is None


def test_config_toml_in_working_directory_is_read(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[alerts]\npoll_interval_seconds = 300\n")
    assert load_settings().alerts.poll_interval_seconds == 300


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "config.toml").write_text(
        '[scout]\nbase_url = "http://file.example/scout.api"\nmax_in_flight = 2\n'
    )
    monkeypatch.setenv("SCOUTBOT_SCOUT__BASE_URL", "http://127.0.0.1:9/scout.api")
    monkeypatch.setenv("SCOUTBOT_ALERTS__POLL_INTERVAL_SECONDS", "45")
    monkeypatch.setenv("SCOUTBOT_DATABASE__URL", "sqlite:////var/lib/scoutbot/bot.db")
    settings = load_settings()
    assert str(settings.scout.base_url) == "http://127.0.0.1:9/scout.api"
    assert settings.scout.max_in_flight == 2  # the file's other keys survive
    assert settings.alerts.poll_interval_seconds == 45
    assert settings.database.url == "sqlite:////var/lib/scoutbot/bot.db"


def test_allowed_guilds_from_the_environment_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCOUTBOT_DISCORD__ALLOWED_GUILDS", "[123, 456]")
    assert load_settings().discord.allowed_guilds == [123, 456]


@pytest.mark.parametrize("variable", ["DISCORD_TOKEN", "SCOUTBOT_DISCORD__TOKEN"])
def test_token_comes_from_the_environment(variable: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(variable, "secret-token-value")
    token = load_settings().discord.token
    assert token is not None
    assert token.get_secret_value() == "secret-token-value"


def test_token_never_shows_in_reprs_or_the_masked_dump(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "secret-token-value")
    settings = load_settings()
    for text in (repr(settings), str(settings), str(settings.masked()), repr(settings.discord)):
        assert "secret-token-value" not in text
    assert settings.masked()["discord"]["token"] == "**********"


def test_a_token_in_the_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[discord]\ntoken = "secret-token-value"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "DISCORD_TOKEN" in str(caught.value)
    assert "secret-token-value" not in str(caught.value)


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[alerts]\npoll_interval_seconds = 10\n", "alerts.poll_interval_seconds"),
        ('[scout]\nbase_url = "not a url"\n', "scout.base_url"),
        ("[scout]\nmax_in_flight = 0\n", "scout.max_in_flight"),
        ("[mpc]\nglobal_per_second = 5\n", "mpc.global_per_second"),
        ('[database]\nurl = "mysql://x"\n', "database.url"),
        ('[logging]\nlevel = "LOUD"\n', "logging.level"),
        ("[alerts]\npoll_interval = 60\n", "alerts.poll_interval"),
        ('[discord]\nallowed_guilds = ["abc"]\n', "discord.allowed_guilds.0"),
    ],
)
def test_a_bad_value_names_its_key(tmp_path: Path, toml: str, key: str) -> None:
    (tmp_path / "config.toml").write_text(toml)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert key in str(caught.value)


def test_a_bad_environment_value_names_its_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCOUTBOT_ALERTS__POLL_INTERVAL_SECONDS", "often")
    with pytest.raises(ConfigError, match=r"alerts\.poll_interval_seconds"):
        load_settings()


def test_a_missing_explicit_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml")


def test_invalid_toml_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[alerts\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings()
