"""Anonymous perspectives' authors, kept so only the bot (with the anonymity key) can link them."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from bot.unsaid.keys import EpochKey, KeyRing

NONCE_BYTES = 16
ID_BYTES = 8


@dataclass(frozen=True, slots=True)
class SealedAuthor:
    """What is stored for an anonymous perspective's author: a tag, a sealed id, the key's id."""

    tag: str
    seal: str
    key_id: int


def _tag(key: EpochKey, guild_id: int, user_id: int) -> str:
    message = f"{guild_id}:{user_id}".encode()
    return hmac.new(key.purpose("glossary-author"), message, hashlib.sha256).hexdigest()


def _stream(key: EpochKey, nonce: bytes) -> bytes:
    return hmac.new(key.purpose("glossary-seal"), nonce, hashlib.sha256).digest()[:ID_BYTES]


class AuthorKeys:
    """Tag and seal anonymous authors under the anonymity key ring (see bot/unsaid/keys.py).

    The tag lets the bot find a member's own anonymous perspectives (`/glossary mine`, `/mydata`);
    the seal lets it tell them a review's outcome by DM. A moderator, or a thief with the database
    but not the key file, sees neither the id nor a way to link two perspectives by one author
    (each seal has its own random nonce; tags are keyed).
    """

    def __init__(self, keys: KeyRing) -> None:
        self._keys = keys

    def seal(self, guild_id: int, user_id: int) -> SealedAuthor:
        """Return the stored form of an anonymous author."""
        key = self._keys.current
        nonce = secrets.token_bytes(NONCE_BYTES)
        plain = user_id.to_bytes(ID_BYTES, "big")
        sealed = bytes(a ^ b for a, b in zip(plain, _stream(key, nonce), strict=True))
        return SealedAuthor(_tag(key, guild_id, user_id), (nonce + sealed).hex(), key.key_id)

    @property
    def current_key_id(self) -> int:
        """The fingerprint of the key new seals are made with."""
        return self._keys.current.key_id

    def tags(self, guild_id: int, user_id: int) -> list[str]:
        """Return the member's tag under every usable key, to find their perspectives."""
        return [_tag(key, guild_id, user_id) for key in self._keys.all()]

    def is_author(self, guild_id: int, user_id: int, tag: str | None, key_id: int | None) -> bool:
        """Say whether this member made the tag."""
        key = self._keys.find(key_id) if key_id is not None else None
        if key is None or tag is None:
            return False
        return hmac.compare_digest(_tag(key, guild_id, user_id), tag)

    def open(self, guild_id: int, seal: str | None, tag: str | None, key_id: int | None) -> int:
        """Return the author's id for a DM, or 0 if the key has lapsed or the seal is damaged."""
        key = self._keys.find(key_id) if key_id is not None else None
        if key is None or not seal:
            return 0
        try:
            raw = bytes.fromhex(seal)
        except ValueError:
            return 0
        nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        if len(sealed) != ID_BYTES:
            return 0
        plain = bytes(a ^ b for a, b in zip(sealed, _stream(key, nonce), strict=True))
        user_id = int.from_bytes(plain, "big")
        return user_id if self.is_author(guild_id, user_id, tag, key_id) else 0
