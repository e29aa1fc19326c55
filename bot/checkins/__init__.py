"""Peer check-ins on emotional labour: consent, private logs, reminders, buddies and requests."""

from bot.checkins.service import CheckinService, Erasure, Logged
from bot.checkins.settings import checkin_settings

__all__ = ["CheckinService", "Erasure", "Logged", "checkin_settings"]
