"""Storage: the SQLite connection, migrations and the repositories that hold all SQL."""

from bot.db.connection import Database, Transaction

__all__ = ["Database", "Transaction"]
