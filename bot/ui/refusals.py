"""Refusals raised from Discord command checks; the tree turns each into a kind reply."""

from __future__ import annotations

from discord import app_commands


class NotModerator(app_commands.CheckFailure):
    """The person is not a moderator here, so the action is refused."""

    message = (
        "Only moderators can use this. A moderator is someone with the Manage Server "
        "permission or the server's moderator role."
    )


class NotInServer(app_commands.CheckFailure):
    """The command needs a server and was used elsewhere."""

    message = "This works inside the server, not in direct messages."


class UnknownServer(app_commands.CheckFailure):
    """The interaction names a server Alongside is not in (or cannot see right now)."""

    message = (
        "Alongside can't see this server at the moment, so nothing was changed. If it keeps "
        "happening, Alongside may not be set up here: ask a moderator."
    )
