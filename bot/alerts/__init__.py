"""NEOCP alerts: the background watcher and the delivery of its events.

``watcher`` and ``delivery`` are the core (no Discord imports, tested with fakes);
``discord_sender`` is the one adapter that turns a delivery into ``channel.send``.
"""
