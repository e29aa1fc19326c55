"""The shared glossary: many voices per term."""

from bot.glossary.service import GlossaryService

__all__ = ["GlossaryService"]
