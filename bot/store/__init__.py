"""Subscriptions, the snapshot the watcher diffs against, and the outbox of messages.

``Store`` is the face the rest of the bot uses: it decides what one transaction holds and
hands out the typed records of ``bot.store.models``. The SQL lives in one module per thing
stored (``subscriptions``, ``snapshot``, ``outbox``); ``engine`` opens the database and
serialises writes. Every write that belongs together runs in one transaction: a poll's
snapshot changes, its events and the messages they owe are stored together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from bot.followup import ObjectKey, StatusRecord, TeamStatus
from bot.neocp.diff import SnapshotChanges
from bot.neocp.events import NeocpEvent, TrackedObject
from bot.scout.models import ScoutObject
from bot.sky import Site
from bot.store import (
    alert_messages,
    followup_channels,
    followup_watch,
    forget,
    interactions,
    outbox,
    snapshot,
    statuses,
)
from bot.store import sites as site_rows
from bot.store import subscriptions as subscription_rows
from bot.store.alert_messages import AlertMessage, ThreadClaim, ThreadState
from bot.store.cards import CardClaim, CardMethods
from bot.store.engine import Database, StoreError, async_url, open_database
from bot.store.followup_channels import ChannelFollowup
from bot.store.forget import GuildDataRemoved
from bot.store.leader import leadership_for
from bot.store.models import (
    Delivery,
    DeliveryState,
    NewSubscription,
    OutboxCounts,
    OutboxRow,
    Snapshot,
    Subscription,
    SubscriptionState,
    Target,
)
from bot.store.outbox_methods import OutboxMethods
from bot.store.sites import StoredSite
from bot.store.statuses import PressResult
from bot.store.subscriptions import MAX_SUBSCRIPTIONS_PER_SERVER, TooManySubscriptions

__all__ = [
    "MAX_SUBSCRIPTIONS_PER_SERVER",
    "AlertMessage",
    "CardClaim",
    "ChannelFollowup",
    "Delivery",
    "DeliveryState",
    "GuildDataRemoved",
    "NewSubscription",
    "OutboxCounts",
    "OutboxRow",
    "PressResult",
    "Snapshot",
    "SnapshotChanges",
    "Store",
    "StoreError",
    "StoredSite",
    "Subscription",
    "SubscriptionState",
    "Target",
    "ThreadClaim",
    "ThreadState",
    "TooManySubscriptions",
    "async_url",
]


def _now() -> datetime:
    return datetime.now(UTC)


class Store(OutboxMethods, CardMethods):
    def __init__(self, database: Database) -> None:
        self._db = database
        self.leadership = leadership_for(database.engine)

    @classmethod
    async def open(cls, url: str) -> Store:
        """Open (creating on first run) and migrate the database at ``url``."""
        return cls(await open_database(url))

    async def close(self) -> None:
        await self.leadership.release()
        await self._db.close()

    # --- interactions ---------------------------------------------------------------------

    async def take_interaction(self, interaction_id: int, *, at: datetime | None = None) -> bool:
        """Should this instance answer the interaction? Every instance sharing a PostgreSQL
        database receives it; the first to take it answers. On SQLite there is one."""
        if self._db.dialect != "postgresql":
            return True
        async with self._db.writing() as conn:
            return await interactions.take(conn, interaction_id, at=at or _now())

    # --- subscriptions --------------------------------------------------------------------

    async def save_subscription(
        self,
        new: NewSubscription,
        *,
        max_per_guild: int | None = MAX_SUBSCRIPTIONS_PER_SERVER,
        at: datetime | None = None,
    ) -> tuple[Subscription, bool]:
        """Create the channel's subscription, or replace its settings (and re-enable it).

        One transaction: a new channel beyond ``max_per_guild`` raises
        ``TooManySubscriptions`` however many subscribes run at once (None: no limit, for
        load tests). Returns the subscription and whether one existed already.
        """
        async with self._db.writing() as conn:
            return await subscription_rows.save(
                conn, new, at=at or _now(), max_per_guild=max_per_guild
            )

    async def remove_subscription(self, guild_id: int, channel_id: int) -> bool:
        """Delete the channel's subscription and whatever it still had queued."""
        async with self._db.writing() as conn:
            return await subscription_rows.remove(conn, guild_id, channel_id)

    async def subscription_for_channel(self, guild_id: int, channel_id: int) -> Subscription | None:
        async with self._db.reading() as conn:
            return await subscription_rows.for_channel(conn, guild_id, channel_id)

    async def guild_subscriptions(self, guild_id: int) -> list[Subscription]:
        async with self._db.reading() as conn:
            return await subscription_rows.of_guild(conn, guild_id)

    async def active_subscriptions(self) -> list[Subscription]:
        """The subscriptions alerts go to now (those whose filter can be read)."""
        async with self._db.reading() as conn:
            return await subscription_rows.active(conn)

    async def count_subscriptions(self, *, guild_id: int | None = None) -> int:
        async with self._db.reading() as conn:
            return await subscription_rows.count(conn, guild_id=guild_id)

    async def disable_subscription(
        self, subscription_id: int, reason: str, *, at: datetime | None = None
    ) -> None:
        """Stop posting to a channel Discord refuses, and fail what it had queued."""
        at = at or _now()
        async with self._db.writing() as conn:
            await subscription_rows.disable(conn, subscription_id, reason, at=at)
            await outbox.fail_queued(
                conn, subscription_id, f"subscription disabled: {reason}", at=at
            )

    # --- observing sites ------------------------------------------------------------------

    async def save_site(
        self,
        guild_id: int,
        site: Site,
        *,
        make_default: bool = False,
        by: int,
        at: datetime | None = None,
    ) -> tuple[StoredSite, bool]:
        """Add a site to the server (its first becomes the default), or replace the
        settings of the one with that code. Returns it and whether it existed already."""
        async with self._db.writing() as conn:
            return await site_rows.save(
                conn, guild_id, site, make_default=make_default, by=by, at=at or _now()
            )

    async def remove_site(
        self, guild_id: int, code: str
    ) -> tuple[StoredSite | None, StoredSite | None]:
        """Remove the server's site; returns it and, if it was the default, the new one."""
        async with self._db.writing() as conn:
            return await site_rows.remove(conn, guild_id, code)

    async def set_default_site(self, guild_id: int, code: str) -> StoredSite | None:
        async with self._db.writing() as conn:
            return await site_rows.set_default(conn, guild_id, code)

    async def guild_sites(self, guild_id: int) -> list[StoredSite]:
        """The server's sites, the default first."""
        async with self._db.reading() as conn:
            return await site_rows.of_guild(conn, guild_id)

    async def site(self, guild_id: int, code: str) -> StoredSite | None:
        async with self._db.reading() as conn:
            return await site_rows.one(conn, guild_id, code)

    async def default_site(self, guild_id: int) -> StoredSite | None:
        async with self._db.reading() as conn:
            return await site_rows.default(conn, guild_id)

    async def count_sites(self, guild_id: int) -> int:
        async with self._db.reading() as conn:
            return await site_rows.count(conn, guild_id)

    async def set_member_site(
        self, guild_id: int, member_id: int, code: str | None
    ) -> StoredSite | None:
        """A member's own default site (None clears it); None if the server lacks it."""
        async with self._db.writing() as conn:
            return await site_rows.set_member_site(conn, guild_id, member_id, code)

    async def member_site(self, guild_id: int, member_id: int) -> StoredSite | None:
        """The site the member chose as their own default, if any."""
        async with self._db.reading() as conn:
            return await site_rows.member_own(conn, guild_id, member_id)

    async def site_for_member(self, guild_id: int, member_id: int) -> StoredSite | None:
        """The member's own default site, else the server's, else None."""
        async with self._db.reading() as conn:
            return await site_rows.for_member(conn, guild_id, member_id)

    # --- snapshot -------------------------------------------------------------------------

    async def load_snapshot(self) -> Snapshot:
        async with self._db.reading() as conn:
            return await snapshot.load(conn)

    async def record_first_poll(
        self, objects: Sequence[TrackedObject], *, at: datetime | None = None
    ) -> None:
        """Store the first list seen: from now on, differences from it are events."""
        async with self._db.writing() as conn:
            await snapshot.replace(conn, objects, at=at or _now())

    async def record_poll(
        self,
        changes: SnapshotChanges,
        recipients: Sequence[tuple[NeocpEvent, Sequence[int]]],
        *,
        at: datetime | None = None,
    ) -> int:
        """Store what a poll changed in the snapshot, its events, and a message for each
        subscription the watcher chose for at least one of them (ids no longer active by
        now are left out).

        One transaction: a crash leaves either the old snapshot (the next poll finds the
        same events again) or everything queued (delivery resumes). Returns the number of
        messages queued.
        """
        at = at or _now()
        async with self._db.writing() as conn:
            await snapshot.apply(conn, changes)
            if not recipients:
                return 0
            channels = await subscription_rows.active_channels(conn)
            return await outbox.queue(conn, recipients, channels, at=at)

    # --- follow-up (bot.store.statuses): every read names its server ------------------------

    async def record_status(self, record: StatusRecord) -> PressResult:
        """Add a member's status; ``PressRefused`` (nothing written) for a repeat."""
        async with self._db.writing() as conn:
            return await statuses.record_press(conn, record)

    async def undo_status(self, guild_id: int, key: ObjectKey, member_id: int) -> PressResult:
        """Remove the member's own last status; ``PressRefused`` when there is none."""
        async with self._db.writing() as conn:
            return await statuses.undo_last(conn, guild_id, key, member_id)

    async def team_status(self, guild_id: int, key: ObjectKey) -> TeamStatus:
        async with self._db.reading() as conn:
            return await statuses.team_status(conn, guild_id, key)

    async def teams_by_designation(
        self, guild_id: int, designations: Sequence[str] | None = None
    ) -> dict[str, TeamStatus]:
        async with self._db.reading() as conn:
            return await statuses.teams_by_designation(conn, guild_id, designations)

    async def open_targets(
        self, guild_id: int, member_id: int
    ) -> list[tuple[StatusRecord, TeamStatus]]:
        async with self._db.reading() as conn:
            return await statuses.open_targets(conn, guild_id, member_id)

    async def still_listed(self, key: ObjectKey) -> bool | None:
        """Is the object on the watcher's NEOCP list (None: the watcher has no list)?"""
        async with self._db.reading() as conn:
            return await statuses.still_listed(conn, key)

    async def remember_alert_message(
        self,
        *,
        guild_id: int,
        channel_id: int,
        message_id: int,
        key: ObjectKey,
        at: datetime | None = None,
    ) -> AlertMessage:
        async with self._db.writing() as conn:
            return await alert_messages.remember_message(
                conn,
                guild_id=guild_id,
                channel_id=channel_id,
                message_id=message_id,
                key=key,
                at=at or _now(),
            )

    async def alert_message(self, message_id: int) -> AlertMessage | None:
        async with self._db.reading() as conn:
            return await alert_messages.message(conn, message_id)

    async def alert_messages(self, guild_id: int, key: ObjectKey) -> list[AlertMessage]:
        async with self._db.reading() as conn:
            return await alert_messages.messages_of_object(conn, guild_id, key)

    async def alert_messages_of(self, designation: str) -> list[AlertMessage]:
        """Every server's alert messages for a designation (for the watcher's events)."""
        async with self._db.reading() as conn:
            return await alert_messages.messages_of_designation(conn, designation)

    async def claim_thread(self, message_id: int) -> ThreadClaim:
        async with self._db.writing() as conn:
            return await alert_messages.claim_thread(conn, message_id)

    async def thread_opened(self, message_id: int, thread_id: int) -> None:
        async with self._db.writing() as conn:
            await alert_messages.thread_opened(conn, message_id, thread_id)

    async def thread_gone(self, message_id: int) -> None:
        async with self._db.writing() as conn:
            await alert_messages.thread_gone(conn, message_id)

    async def thread_barred(self, message_id: int, thread_id: int, *, until: datetime) -> None:
        async with self._db.writing() as conn:
            await alert_messages.thread_barred(conn, message_id, thread_id, until)

    async def thread_not_created(self, message_id: int) -> None:
        async with self._db.writing() as conn:
            await alert_messages.thread_not_created(conn, message_id)

    async def threads_to_watch(self) -> list[tuple[AlertMessage, ScoutObject]]:
        """Open threads without an at-risk note, with their object's latest record."""
        async with self._db.reading() as conn:
            return await followup_watch.threads_to_watch(conn)

    async def note_at_risk(self, message_id: int, *, at: datetime | None = None) -> bool:
        async with self._db.writing() as conn:
            return await alert_messages.note_at_risk(conn, message_id, at or _now())

    async def forget_guild(self, guild_id: int) -> GuildDataRemoved:
        """Remove everything kept for a server: its statuses, alert messages and their
        threads, follow-up settings, sites, members' sites and subscriptions (privacy)."""
        async with self._db.writing() as conn:
            return await forget.forget_guild(conn, guild_id)

    async def save_channel_followup(
        self, *, guild_id: int, channel_id: int, threads: bool, press_role_id: int | None
    ) -> None:
        async with self._db.writing() as conn:
            await followup_channels.save(
                conn,
                guild_id=guild_id,
                channel_id=channel_id,
                threads=threads,
                press_role_id=press_role_id,
            )

    async def channel_followup(self, channel_id: int) -> ChannelFollowup:
        async with self._db.reading() as conn:
            return await followup_channels.of_channel(conn, channel_id)

    async def guild_left(self, guild_id: int, *, at: datetime | None = None) -> None:
        async with self._db.writing() as conn:
            await statuses.guild_left(conn, guild_id, at or _now())

    async def guild_back(self, guild_id: int) -> None:
        async with self._db.writing() as conn:
            await statuses.guild_back(conn, guild_id)

    async def forget_departed_guilds(self, left_before: datetime) -> list[int]:
        """Remove everything kept for servers the bot left before ``left_before``."""
        async with self._db.writing() as conn:
            departed = await statuses.departed_before(conn, left_before)
            for guild_id in departed:
                await forget.forget_guild(conn, guild_id)
        return departed

    async def prune_followup(self, first_seen_before: datetime) -> int:
        async with self._db.writing() as conn:
            return await statuses.prune(conn, first_seen_before)
