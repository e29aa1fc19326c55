"""What /room says, in one place so the voice stays the same."""

from __future__ import annotations

import discord

COLOUR = discord.Colour.from_rgb(94, 129, 172)

CONSENT = (
    "`/room` helps with the hour before a hard meeting and the hour after it. Before you "
    "start, here is what it keeps, and who can see it.\n\n"
    "• **Your meeting** (what it is, when, and anything you write to carry in) is kept only "
    "until the meeting ends and your debrief has been offered; then it is deleted.\n"
    "• **A debrief** is kept only until you choose where it goes: your private journal, a "
    "thread, Unsaid (anonymously), or your impact log.\n"
    "• **Your impact log** stays until you delete it. Only you can read it.\n"
    "• **Nobody is told anything** unless you choose to name a peer, and then only the words "
    "you choose.\n"
    "• **Moderators** see only how many meetings were prepared and debriefed each month, and "
    "how heavy they felt, for groups of at least five people. Never anything about you.\n\n"
    "`/mydata` shows, exports and erases all of it."
)
AGREED = "Thank you. Let's start."
NOT_NOW = "Nothing was stored. `/room prepare` is here whenever you'd like it."

PREPARED = (
    "Your meeting is planned: **{what}**, {when} ({zone}), for {minutes} minutes.\n"
    "{reminder}\n"
    "When it ends, you'll get a message offering a short debrief. `/room upcoming` shows what "
    "is planned and `/room cancel` stops it."
)
REMINDER_AT = "A reminder with your own words will come by direct message {when}."
REMINDER_NONE = "You chose no reminder."
REMINDER_MOVED = "Your reminder falls in the server's quiet hours, so it will come earlier: {when}."
ASK_PEER = (
    "You named {peer} as a peer alongside. If you agree, when the meeting ends they'll get a "
    "direct message with only the words below (you can change them), and a button to check "
    "in with you. Nothing is sent until then, and if they can't, you won't be told who "
    "declined."
)
PEER_DEFAULT = "I have a hard meeting at {time}; a message after would help."
PEER_SET = "{peer} will be told, when the meeting ends: “{words}”"
PEER_NOT_TOLD = "Nobody will be told. Your meeting is still planned."

REMINDER_DM = (
    "**Before the room: {what}** — {when}.\n\n"
    "{own_words}"
    "_{grounding}_\n\n"
    "A question you might carry in: **{question}**"
)
OWN_WORDS = "**{label}**\n{words}\n\n"
DEBRIEF_DM = (
    "**After the room: {what}.** However it went, it's over now. When you're ready, a short "
    "debrief can help you set it down. It stays private unless you choose otherwise."
)
PEER_DM = (
    "{member} asked Alongside to let you know, in their words:\n> {words}\n\n"
    "Their meeting has just ended. If you can, check in with them. If you can't right now, "
    "that's all right: they won't be told who couldn't."
)
PEER_THREAD = (
    "{peer} is checking in with {member} after a meeting. This thread is only for you two."
)
PEER_CONNECTED = "Thank you. {where}"
PEER_DECLINED = "Thank you for letting us know. Nobody will be told."
PEER_TO_MEMBER = "{peer} is checking in with you after your meeting: {where}"

CHOOSE = (
    "Thank you for writing this down. Where would you like it to go?\n"
    "• **Keep it private**: your journal (`/reflect journal`), only you can read it.\n"
    "• **Share in a thread**{thread_note}\n"
    "• **Share anonymously**: through Unsaid, reviewed by moderators who never see who wrote "
    "it, posted later as “after a meeting”.\n"
    "• **Log the difference I made**: add a moment to your impact log.\n"
    "Until you choose, it's kept privately and only you can see it."
)
THREAD_NOTE_ON = ": posted with your name in {channel}, with a thread for replies."
THREAD_NOTE_OFF = ": not set up in this server."
KEPT_PRIVATE = "It's in your journal now. Only you can read it; `/reflect journal` shows it."
SHARED_IN_THREAD = "It's shared in {link}. You can delete it with `/mydata delete`."
DEBRIEF_POST = "{member} shared a debrief after a meeting (it felt {weight} of 5):"
DEBRIEF_JOURNAL = "After a meeting (it felt {weight} of 5)"
LABEL_SAID = "What I said"
LABEL_HELD = "What I held back"
LABEL_CARRY = "What I'll carry forward"
LABEL_CARRY_IN = "What I want to carry into the room"
LABEL_SHARE_KEEP = "What I'll share, and what I'll keep to myself"
LABEL_QUESTION = "A question I might ask"
ANON_LABEL = "After a meeting"
ANON_FROM_DEBRIEF = (
    "Sent to Unsaid without your name. The debrief's words have been removed from "
    "Alongside's record of your debriefs, so nothing links them to you."
)
IMPACT_ADDED = "Added to your impact log. `/room impact` lists it; only you can read it."
NO_MEETINGS = "Nothing is planned. `/room prepare` plans a meeting."
CANCELLED = "Cancelled: **{what}**. Nothing more will be sent about it."
EMPTY_LOG = "Your impact log is empty. `/room impact action:add` adds a moment."
