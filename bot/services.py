"""The services every cog can reach, built once in the composition root."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.config import Settings
from bot.db import Database
from bot.db.audit import AuditLog
from bot.db.guild_settings import GuildSettingsRepo
from bot.db.ledger import OccurrenceLedger
from bot.db.meta import MetaStore
from bot.glossary import GlossaryService
from bot.glossary.settings import GLOSSARY_SETTINGS
from bot.guild_settings import GuildSettings, SettingsRegistry, core_settings
from bot.safety import Safety
from bot.scheduler import Scheduler
from bot.timeutil import Clock, SystemClock


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
    started_at: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.started_at = self.clock.now()


def build_services(config: Settings, db: Database, clock: Clock | None = None) -> Services:
    """Wire every service to one database and one clock."""
    clock = clock or SystemClock()
    registry = SettingsRegistry()
    registry.declare(core_settings(config.timezone))
    registry.declare(GLOSSARY_SETTINGS)
    return Services(
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
        glossary=GlossaryService(db, config.data_dir, clock),
    )
