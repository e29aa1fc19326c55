"""A loopback Discord (REST + gateway) that the real discord.py client can talk to."""

from .interactions import Followup, InteractionHandle
from .server import FakeDiscord
from .wire import TOKEN, RecordedRequest

__all__ = ["TOKEN", "FakeDiscord", "Followup", "InteractionHandle", "RecordedRequest"]
