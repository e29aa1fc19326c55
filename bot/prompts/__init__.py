"""Reflective-practice prompts: library, schedules, subscriptions, journals and the outbox."""

from bot.prompts.service import PromptService
from bot.prompts.settings import PROMPT_SETTINGS

__all__ = ["PROMPT_SETTINGS", "PromptService"]
