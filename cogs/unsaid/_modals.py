"""The forms: sharing, replying anonymously, and moderators' content notes and reasons."""

from __future__ import annotations

import discord

from bot.ui.moderation import ensure_moderator
from bot.ui.replies import SafeModal
from bot.unsaid.content import MAX_BODY, MAX_NOTE, MAX_REASON
from cogs.unsaid._actions import UnsaidActions

# Long enough to write something that matters; the form is forgotten after this.
FORM_TIMEOUT = 60 * 60


def _body_input(placeholder: str) -> discord.ui.TextInput[discord.ui.View]:
    return discord.ui.TextInput(
        custom_id="body",
        style=discord.TextStyle.paragraph,
        placeholder=placeholder,
        min_length=1,
        max_length=MAX_BODY,
        required=True,
    )


def _note_input(default: str | None = None) -> discord.ui.TextInput[discord.ui.View]:
    return discord.ui.TextInput(
        custom_id="note",
        style=discord.TextStyle.short,
        placeholder="e.g. restraint, self-harm, racism",
        default=default,
        max_length=MAX_NOTE,
        required=False,
    )


class ShareModal(SafeModal):
    """`/unsaid share`: the words, an optional content note, and whether peers may reply."""

    def __init__(self, cog: UnsaidActions) -> None:
        super().__init__(title="Share anonymously", timeout=FORM_TIMEOUT)
        self.cog = cog
        self.body = _body_input("What couldn't you say in the room?")
        self.note = _note_input()
        self.replies: discord.ui.Checkbox[discord.ui.View] = discord.ui.Checkbox(
            custom_id="replies", default=True
        )
        self.add_item(discord.ui.Label(text="What you want to say", component=self.body))
        self.add_item(
            discord.ui.Label(
                text="Content note (optional)",
                description="Shown before your words, which are then hidden behind a spoiler.",
                component=self.note,
            )
        )
        self.add_item(
            discord.ui.Label(
                text="Let peers reply anonymously",
                description="Replies appear in a thread under your post.",
                component=self.replies,
            )
        )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Hand the words to the cog; the person is never recorded."""
        await self.cog.finish_share(
            interaction, self.body.value, self.note.value, allow_replies=self.replies.value
        )


class ReplyModal(SafeModal):
    """An anonymous reply to one post, with the same protections as a submission."""

    def __init__(self, cog: UnsaidActions, parent_public_id: str, number: int | None) -> None:
        title = f"Reply to Unsaid #{number}" if number else "Reply anonymously"
        super().__init__(title=title, timeout=FORM_TIMEOUT)
        self.cog = cog
        self.parent_public_id = parent_public_id
        self.body = _body_input("Your reply. No one will see who wrote it.")
        self.note = _note_input()
        self.add_item(discord.ui.Label(text="Your reply", component=self.body))
        self.add_item(discord.ui.Label(text="Content note (optional)", component=self.note))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Hand the reply to the cog."""
        await self.cog.finish_share(
            interaction, self.body.value, self.note.value, reply_to=self.parent_public_id
        )


class AnswerModal(SafeModal):
    """An anonymous answer to a reflective prompt, posted in the prompt's thread."""

    def __init__(self, cog: UnsaidActions, thread_id: int, prompt: str) -> None:
        super().__init__(title="Answer anonymously", timeout=FORM_TIMEOUT)
        self.cog = cog
        self.thread_id = thread_id
        self.body = _body_input(prompt[:100])
        self.note = _note_input()
        self.add_item(
            discord.ui.Label(
                text="Your answer",
                description="Posted in the prompt's thread. No one will see who wrote it.",
                component=self.body,
            )
        )
        self.add_item(discord.ui.Label(text="Content note (optional)", component=self.note))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Hand the answer to the cog; the person is never recorded."""
        await self.cog.finish_share(
            interaction, self.body.value, self.note.value, answer_to=self.thread_id
        )


class NoteModal(SafeModal):
    """A moderator approves with a content note of their own."""

    def __init__(self, cog: UnsaidActions, public_id: str, current: str | None) -> None:
        super().__init__(title="Approve with a content note", timeout=FORM_TIMEOUT)
        self.cog = cog
        self.public_id = public_id
        self.note = _note_input(current)
        self.note.required = True
        self.add_item(
            discord.ui.Label(
                text="Content note",
                description="Shown before the words, which are then hidden behind a spoiler.",
                component=self.note,
            )
        )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Check again that this is a moderator, then approve."""
        await ensure_moderator(interaction)
        await self.cog.approve(interaction, self.public_id, note=self.note.value, set_note=True)


class RejectModal(SafeModal):
    """A moderator rejects, with a reason the author can read using their receipt."""

    def __init__(self, cog: UnsaidActions, public_id: str) -> None:
        super().__init__(title="Reject", timeout=FORM_TIMEOUT)
        self.cog = cog
        self.public_id = public_id
        self.reason: discord.ui.TextInput[discord.ui.View] = discord.ui.TextInput(
            custom_id="reason",
            style=discord.TextStyle.paragraph,
            placeholder="Kind and brief: the author can read this with their receipt code.",
            max_length=MAX_REASON,
            required=False,
        )
        self.add_item(
            discord.ui.Label(
                text="Reason (optional)",
                description="Only the author sees it, through /unsaid status.",
                component=self.reason,
            )
        )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Check again that this is a moderator, then reject."""
        await ensure_moderator(interaction)
        await self.cog.reject(interaction, self.public_id, self.reason.value)
