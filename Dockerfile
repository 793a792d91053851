# scout-bot's container image. See the README, "Running in a container".
#   docker build -t scout-bot .
#   docker run -e DISCORD_TOKEN=... -v scoutbot-data:/var/lib/scoutbot scout-bot
# The base image is pinned to a full Python release; pin it by digest too where your registry
# policy asks for it (docker build --build-arg PYTHON_IMAGE=python:3.11.14-slim-bookworm@sha256:...).
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
RUN python -m venv /opt/venv
COPY constraints.txt pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY cogs ./cogs
# Every dependency at the version CI tested (constraints.txt pins the transitive ones too),
# with the PostgreSQL driver. Then the installer goes: the running bot installs nothing.
RUN /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check \
        -c constraints.txt '.[postgres]' \
    && /opt/venv/bin/pip uninstall --yes --disable-pip-version-check pip setuptools

FROM ${PYTHON_IMAGE}
# The base image's own installer is of no use to the bot either.
RUN python -m pip uninstall --yes --disable-pip-version-check pip setuptools wheel \
    && groupadd --system --gid 10001 scoutbot \
    && useradd --system --uid 10001 --gid 10001 --no-create-home \
        --home-dir /var/lib/scoutbot --shell /usr/sbin/nologin scoutbot \
    && install --directory --owner=10001 --group=10001 /var/lib/scoutbot /var/lib/scoutbot/data
COPY --from=build /opt/venv /opt/venv
COPY LICENSE /usr/share/doc/scout-bot/LICENSE
# Every key at its default: mount your own over it
# (-v ./config.toml:/etc/scoutbot/config.toml:ro). The image sets no SCOUTBOT_* variable,
# so nothing in it overrides what that file says; only the environment you pass does.
COPY config.example.toml /etc/scoutbot/config.toml
ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
# The SQLite default (sqlite:///data/scoutbot.db) and the heartbeat file live here.
WORKDIR /var/lib/scoutbot
VOLUME ["/var/lib/scoutbot"]
USER 10001:10001
# Healthy while the bot's heartbeat is fresh: written every 15 s while the Discord gateway
# is connected and the background loops run (scout-bot health reads it).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["scout-bot", "--config", "/etc/scoutbot/config.toml", "health"]
# On SIGTERM the bot lets answers under way finish for up to 10 s, as long as `docker stop`
# waits by default before SIGKILL; give it a little more (docker stop --time 15, or
# stop_grace_period in docker-compose.yml) so that closing connections is never cut short.
STOPSIGNAL SIGTERM
ENTRYPOINT ["scout-bot", "--config", "/etc/scoutbot/config.toml"]
CMD ["run"]
