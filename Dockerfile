# Build: docker build -t scout-bot .
# Run:   docker run -e DISCORD_TOKEN=... -v scoutbot-data:/var/lib/scoutbot scout-bot
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
RUN python -m venv /opt/venv
COPY constraints.txt ./
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
# Every dependency at the version CI tested (constraints.txt pins the transitive ones too).
RUN /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check -c constraints.txt '.[postgres]'

FROM python:3.11-slim-bookworm
RUN useradd --system --uid 10001 --create-home --home-dir /var/lib/scoutbot scoutbot
COPY --from=build /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    SCOUTBOT_DATABASE__URL="sqlite:////var/lib/scoutbot/scoutbot.db"
# The token comes only from the environment (DISCORD_TOKEN); an optional config file can be
# mounted and named with --config, e.g. -v ./config.toml:/etc/scoutbot/config.toml:ro.
WORKDIR /var/lib/scoutbot
VOLUME ["/var/lib/scoutbot"]
USER scoutbot
ENTRYPOINT ["scout-bot"]
