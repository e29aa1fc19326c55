"""Keyed, salted tags; receipt codes; random ids. Nothing here is ever stored with a user id."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from bot.unsaid.keys import EpochKey, KeyRing

SALT_BYTES = 16
# Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand survives.
RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_LENGTH = 20  # 100 bits from the system's secure RNG
RECEIPT_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
# scrypt's cost: about 16 MiB and a few tens of milliseconds per code on a small server.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
RECEIPT_SALT = b"alongside:unsaid:receipt:v1"


def _identity(guild_id: int, user_id: int) -> bytes:
    # The person as the bot sees them in one server; only ever an HMAC input, never stored.
    return f"{guild_id}:{user_id}".encode()


def new_salt() -> bytes:
    """Return a fresh random salt for one submission's author tag."""
    return secrets.token_bytes(SALT_BYTES)


def author_tag(key: EpochKey, salt: bytes, guild_id: int, user_id: int) -> bytes:
    """Tag the author of one submission: HMAC(author key, salt || server:person).

    Each submission has its own salt, so two tags of one author look unrelated to anyone
    without the key. The bot, holding the key, can test a person against a tag.
    """
    return hmac.new(
        key.purpose("author"), salt + b"|" + _identity(guild_id, user_id), hashlib.sha256
    ).digest()


def matches_author(key: EpochKey, salt: bytes, tag: bytes, guild_id: int, user_id: int) -> bool:
    """Say, in constant time, whether this person made `tag`."""
    return hmac.compare_digest(author_tag(key, salt, guild_id, user_id), tag)


def limit_slots(
    key: EpochKey, kind: str, day: str, guild_id: int, user_id: int, count: int
) -> list[bytes]:
    """Return this person's daily-limit slots 1..count for one day and kind.

    Every slot is an independent HMAC, so the rows for one person's uses cannot be grouped
    without the key, and they change every day.
    """
    base = key.purpose("limit")
    who = _identity(guild_id, user_id)
    return [
        hmac.new(base, f"{kind}|{day}|".encode() + who + f"|{n}".encode(), hashlib.sha256).digest()
        for n in range(1, count + 1)
    ]


def day_slots(
    keys: KeyRing, kind: str, day: str, guild_id: int, user_id: int, count: int
) -> tuple[list[bytes], list[bytes]]:
    """Return this person's slots for one day under the current key, then under older keys."""
    current = limit_slots(keys.current, kind, day, guild_id, user_id, count)
    older = [
        slot
        for key in keys.all()[1:]
        for slot in limit_slots(key, kind, day, guild_id, user_id, count)
    ]
    return current, older


def new_receipt() -> str:
    """Return a one-time receipt code like 7K3QD-9XWPA-M2C4E-HT8VR."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return "-".join(raw[i : i + 5] for i in range(0, RECEIPT_LENGTH, 5))


def normalise_receipt(text: str) -> str | None:
    """Return the code's canonical form, forgiving case, spaces, dashes and look-alikes."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum()).translate(RECEIPT_LOOKALIKES)
    if len(cleaned) != RECEIPT_LENGTH or any(ch not in RECEIPT_ALPHABET for ch in cleaned):
        return None
    return "-".join(cleaned[i : i + 5] for i in range(0, RECEIPT_LENGTH, 5))


def receipt_digest(code: str) -> bytes:
    """Hash a canonical receipt code with scrypt, so the database never holds the code.

    The code carries 100 random bits, so no key is needed against guessing; scrypt's cost is a
    margin on top. It is deliberately not keyed with the anonymity key, so that a receipt keeps
    working for as long as its post exists, across key rotations.
    """
    return hashlib.scrypt(
        code.encode(), salt=RECEIPT_SALT, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )


def new_public_id() -> str:
    """Return a random id for a submission, safe to put in a button's custom_id."""
    return secrets.token_urlsafe(12)


def new_block_id() -> str:
    """Return a random, opaque id for a block, for moderators to refer to."""
    return "B-" + "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(6))
