"""The services every cog can reach, built once in the composition root."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import datetime

from bot.app.maintenance import Maintenance
from bot.checkins import CheckinService, checkin_settings
from bot.core.config import Settings
from bot.core.safety import Safety
from bot.core.scheduler import Scheduler
from bot.core.timeutil import Clock, SystemClock
from bot.db import Database
from bot.db.audit import AuditLog
from bot.db.away import AwayMembers
from bot.db.guild_settings import GuildSettingsRepo
from bot.db.ledger import OccurrenceLedger
from bot.db.meta import MetaStore
from bot.db.unsaid import UnsaidRepo
from bot.feeds.service import FeedsService
from bot.feeds.settings import feed_settings
from bot.glossary import GlossaryService
from bot.glossary.settings import GLOSSARY_SETTINGS
from bot.privacy.erasures import ErasureLedger, Erasures, ledger_path, reapply_erasures
from bot.privacy.memberdata import MemberData
from bot.prompts import PROMPT_SETTINGS, PromptService
from bot.rooms.service import RoomService
from bot.rooms.settings import ROOM_SETTINGS
from bot.settings.registry import GuildSettings, SettingsRegistry, core_settings
from bot.unsaid.keys import KeyRing, locate_key_file
from bot.unsaid.service import UnsaidService
from bot.unsaid.settings import UNSAID_SETTINGS

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Dependencies handed to the bot and its cogs; no module-level singletons."""

    config: Settings
    db: Database
    clock: Clock
    registry: SettingsRegistry
    settings: GuildSettings
    ledger: OccurrenceLedger
    audit: AuditLog
    meta: MetaStore
    scheduler: Scheduler
    safety: Safety
    glossary: GlossaryService
    rng: random.Random
    started_at: datetime = field(init=False)
    maintenance: Maintenance = field(init=False)
    member_data: MemberData = field(init=False)
    feeds: FeedsService = field(init=False)
    checkins: CheckinService = field(init=False)
    unsaid: UnsaidService = field(init=False)
    erasures: Erasures = field(init=False)
    prompts: PromptService = field(init=False)
    rooms: RoomService = field(init=False)

    def __post_init__(self) -> None:
        self.started_at = self.clock.now()


def build_services(
    config: Settings,
    db: Database,
    clock: Clock | None = None,
    *,
    rng: random.Random | None = None,
    secure_rng: random.Random | None = None,
) -> Services:
    """Wire every service to one database, one clock and one source of randomness.

    `rng` drives ordinary choices (which prompt, who is paired, retry jitter); `secure_rng`
    drives Unsaid's shuffles and delays and is the operating system's randomness unless a test
    passes a seeded one.
    """
    clock = clock or SystemClock()
    rng = rng or random.Random()
    registry = SettingsRegistry()
    registry.declare(core_settings(config.timezone))
    registry.declare(feed_settings())
    registry.declare(GLOSSARY_SETTINGS)
    registry.declare(checkin_settings())
    registry.declare(UNSAID_SETTINGS)
    registry.declare(PROMPT_SETTINGS)
    registry.declare(ROOM_SETTINGS)
    # One anonymity key ring for Unsaid and for anonymous glossary authors, kept apart from
    # the database's folder by default (a copy of that folder must name nobody).
    key_location = locate_key_file(config)
    for warning in key_location.warnings:
        log.warning("%s", warning)
    keys = KeyRing.load(config.anonymity_key, key_location.path)
    services = Services(
        config=config,
        db=db,
        clock=clock,
        registry=registry,
        settings=GuildSettings(registry, GuildSettingsRepo(db)),
        ledger=OccurrenceLedger(db),
        audit=AuditLog(db),
        meta=MetaStore(db),
        scheduler=Scheduler(),
        safety=Safety.from_data(config.data_dir),
        glossary=GlossaryService(db, config.data_dir, clock, keys),
        rng=rng,
    )
    services.maintenance = Maintenance(config, db, services.ledger, services.meta, clock)
    services.scheduler.on_rebuild(services.maintenance.rebuild)
    services.erasures = Erasures(ErasureLedger(ledger_path(config)), db, services.meta)
    services.unsaid = UnsaidService(
        UnsaidRepo(db),
        services.settings,
        keys,
        services.ledger,
        clock,
        services.safety.matcher,
        secure_rng or random.SystemRandom(),
        erasures=services.erasures,
    )
    away = AwayMembers(db)  # one record of held DMs, shared by check-ins and prompts
    services.checkins = CheckinService(
        db, clock, services.settings, services.safety, services.ledger, rng=rng, away=away
    )
    services.feeds = FeedsService.create(config, db, clock, services.settings, rng=rng)
    services.prompts = PromptService(
        db, config.data_dir, clock, services.settings, services.ledger, rng=rng, away=away
    )
    services.rooms = RoomService(db, config.data_dir, clock, services.settings, rng)
    services.member_data = member_data_sections(services)
    return services


def member_data_sections(services: Services) -> MemberData:
    """Register every feature that keeps data against a member's id, with why it keeps it."""
    data = MemberData(
        services.db, services.clock, services.erasures, backup_keep=services.config.backup_keep
    )
    data.add(
        "glossary",
        "Your perspectives (anonymous ones too, found with a keyed tag only the bot can make) "
        "and suggested terms, so they can show with your name (if you chose), you can edit or "
        "withdraw them, and you can be told the outcome of a review.",
        services.glossary,
    )
    data.add(
        "checkins",
        "Your check-ins, consent, reminders, buddy preferences and support requests, which "
        "only you can see; moderators see only totals of five or more people.",
        services.checkins,
    )
    data.add(
        "prompts",
        "Your prompt subscription, private journal entries, suggested prompts and which "
        "prompts you were sent, so prompts reach you without repeats and only you can read "
        "your journal.",
        services.prompts,
    )
    data.add(
        "prompt_shares",
        "Answers you shared under your name in a prompt's thread, with their words, so you can "
        "delete them (`/reflect journal`) and they go when you erase your data.",
        services.prompts.shares,
    )
    data.add(
        "rooms",
        "Meetings you are preparing for (until they end), debriefs you haven't placed yet, "
        "your impact log and debriefs you shared in a thread, so only you can use them.",
        services.rooms,
    )
    return data


async def reapply(services: Services) -> int:
    """Erase again anything the erasure ledger says is gone (after a restore); return count."""
    return await reapply_erasures(services.erasures, services.unsaid, services.member_data)
