"""Alembic's environment: always the connection the store hands over (see __init__.py).

scout-bot runs its migrations itself, at start and from ``scout-bot db upgrade``; nothing
here opens a connection of its own.
"""

from __future__ import annotations

from alembic import context

from bot.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite can add a column but change little else: batch operations copy the table.
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
