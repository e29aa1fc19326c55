"""Turn a feed's piece into the post Alongside sends, and its outbox row."""

from __future__ import annotations

from bot.core.text import clip
from bot.db.feeds import OutboxEntry
from bot.feeds.models import FeedItem, Post
from bot.feeds.questions import QuestionSource
from bot.feeds.select import make_nonce
from bot.feeds.text import escape_markdown, escape_within
from bot.feeds.topics import TopicMatcher, content_note


def as_sentence(reason: str) -> str:
    """End a reason with a full stop unless it already ends a sentence."""
    reason = reason.strip()
    return reason if reason.endswith((".", "!", "?")) else reason + "."


class PostComposer:
    """Build posts with their content note and reflective question."""

    def __init__(self, topics: TopicMatcher, questions: QuestionSource) -> None:
        self._topics = topics
        self._questions = questions

    def build_post(
        self, feed_title: str, mode: str, mention_role_id: int | None, item: FeedItem
    ) -> Post:
        """Build the post for one piece of a feed."""
        note = content_note(mode, self._topics.labels(item.title, item.summary))
        summary = escape_markdown(item.summary)
        description = f"||{summary}||" if note and summary else summary
        return Post(
            feed_title=clip(feed_title, 200),
            title=escape_within(item.title, 256),
            url=item.link,
            author=item.author,
            published=item.published,
            description=description,
            image_url=item.image,
            content_note=note,
            mention_role_id=mention_role_id,
            thread_name=clip(item.title.replace("\n", " "), 100) or "Discussion",
            question=self._questions(item.key),
        )

    def outbox_entry(
        self,
        channel_id: int,
        feed_url: str,
        feed_title: str,
        mode: str,
        mention_role_id: int | None,
        item: FeedItem,
        *,
        item_key: str | None = None,
    ) -> OutboxEntry:
        """Build the outbox row that sends this piece to this channel exactly once."""
        key = item_key or item.key
        post = self.build_post(feed_title, mode, mention_role_id, item)
        return OutboxEntry(key, make_nonce(channel_id, feed_url, key), post.to_json())
