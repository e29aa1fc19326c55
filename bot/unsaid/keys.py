"""The anonymity key ring: where the secret lives, how it rotates, and one sub-key per purpose."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from bot.core.config import Settings
from bot.core.errors import ConfigError

log = logging.getLogger(__name__)

KEY_FILE_SUFFIX = ".anonymity-key"
KEY_BYTES = 32
HEADER = (
    "# Alongside anonymity keys. Keep this file secret (mode 0600), away from the database\n"
    "# and its backups, and back it up separately: without it, blocks on anonymous authors\n"
    "# lapse. Never commit it, and never store it in the same place as the database.\n"
)


def key_file_path(database_path: Path) -> Path:
    """Return where older versions kept the key file: beside the database, named after it."""
    return database_path.with_name(database_path.name + KEY_FILE_SUFFIX)


@dataclass(frozen=True, slots=True)
class KeyLocation:
    """Where the key file is, and anything the operator must be warned about."""

    path: Path
    warnings: tuple[str, ...]


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def locate_key_file(settings: Settings) -> KeyLocation:
    """Find the key file: ANONYMITY_KEY_FILE (by default in the user's config folder).

    An install from before keeps using its key file beside the database, so blocks keep
    working, but is warned loudly how to move it.
    """
    configured = settings.anonymity_key_file
    legacy = key_file_path(settings.database_path)
    if settings.anonymity_key:
        return KeyLocation(configured, ())
    if not configured.exists() and legacy.exists():
        return KeyLocation(
            legacy,
            (
                f"The anonymity key file is beside the database ({legacy}). Anyone with a copy "
                "of that folder could test which member wrote a recent Unsaid submission. Stop "
                f"the bot and move it: mkdir -p {configured.parent} && mv {legacy} "
                f"{configured} (or set ANONYMITY_KEY_FILE to somewhere else outside the "
                "database and backup folders). Blocks keep working after the move.",
            ),
        )
    warnings: list[str] = []
    if legacy.exists():
        warnings.append(
            f"An old anonymity key file is still beside the database ({legacy}); Alongside "
            f"uses {configured}. Delete the old one once the new one is backed up safely."
        )
    for folder, name in (
        (settings.database_path.parent, "the database's folder"),
        (settings.backup_dir, "BACKUP_DIR"),
    ):
        if _inside(configured, folder):
            warnings.append(
                f"ANONYMITY_KEY_FILE {configured} is inside {name} ({folder}): a copy of that "
                "folder would be enough to test which member wrote a recent Unsaid "
                "submission. Keep the key somewhere else."
            )
    return KeyLocation(configured, tuple(warnings))


class EpochKey:
    """One generation of the secret; sub-keys are derived per purpose so no two uses share one."""

    __slots__ = ("_purposes", "_secret", "key_id")

    def __init__(self, secret: bytes) -> None:
        if len(secret) < KEY_BYTES:
            raise ValueError("an anonymity key needs at least 32 bytes")
        self._secret = secret
        self._purposes: dict[str, bytes] = {}
        # A short public fingerprint, stored beside tags so the bot knows which key made them.
        digest = hmac.new(secret, b"alongside:key-id", hashlib.sha256).digest()
        self.key_id = int.from_bytes(digest[:4], "big")

    def purpose(self, name: str) -> bytes:
        """Return the sub-key for one purpose ("author", "limit", ...)."""
        found = self._purposes.get(name)
        if found is None:
            label = f"alongside:unsaid:{name}:v1".encode()
            found = hmac.new(self._secret, label, hashlib.sha256).digest()
            self._purposes[name] = found
        return found

    def __repr__(self) -> str:
        return f"<EpochKey id={self.key_id:08x}>"


class KeyRing:
    """The current key, and the previous one kept for one rotation so blocks keep working."""

    def __init__(self, current: EpochKey, previous: EpochKey | None, source: str) -> None:
        self.current = current
        self.previous = previous
        self.source = source

    @classmethod
    def load(cls, env_key: str | None, path: Path) -> KeyRing:
        """Use ANONYMITY_KEY if set; otherwise read the key file, creating it on first start."""
        if env_key:
            return cls(EpochKey(env_key.encode()), None, "environment")
        if not path.exists():
            create_key_file(path)
        current, previous = read_key_file(path)
        return cls(current, previous, "file")

    def all(self) -> tuple[EpochKey, ...]:
        """Return every usable key, current first."""
        return (self.current,) if self.previous is None else (self.current, self.previous)

    def find(self, key_id: int) -> EpochKey | None:
        """Return the key with this fingerprint, or None once it has lapsed."""
        return next((key for key in self.all() if key.key_id == key_id), None)

    def key_ids(self) -> list[int]:
        """Return the fingerprints of every usable key."""
        return [key.key_id for key in self.all()]


def _write_private(path: Path, text: str, *, exclusive: bool) -> None:
    """Write `text` to a file only its owner can read, durably."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    descriptor = os.open(path, flags, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
        os.write(descriptor, text.encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _render(current: bytes, previous: bytes | None) -> str:
    lines = [HEADER, f"current={current.hex()}\n"]
    if previous is not None:
        lines.append(f"previous={previous.hex()}\n")
    return "".join(lines)


def create_key_file(path: Path) -> None:
    """Generate a key with the system's secure RNG into a new 0600 file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_private(path, _render(secrets.token_bytes(KEY_BYTES), None), exclusive=True)
    log.info("Created a new anonymity key file at %s", path)


def read_key_file(path: Path) -> tuple[EpochKey, EpochKey | None]:
    """Read the current and previous keys, tightening the file's mode if it was loosened."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        os.chmod(path, 0o600)
        log.warning("The anonymity key file was readable by others; its mode is now 0600")
    values: dict[str, bytes] = {}
    for raw in path.read_text("utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.partition("=")
        try:
            values[name.strip()] = bytes.fromhex(value.strip())
        except ValueError:
            raise ValueError(f"the anonymity key file {path} is damaged") from None
    if "current" not in values:
        raise ValueError(f"the anonymity key file {path} has no current key")
    previous = values.get("previous")
    return EpochKey(values["current"]), EpochKey(previous) if previous else None


def rotate_key_file(path: Path) -> tuple[int, int]:
    """Make a new current key and keep the old one as previous; the one before lapses.

    Returns the fingerprints (new, kept). The file is replaced atomically, so a crash leaves
    either the old ring or the new one, never half of each.
    """
    if not path.exists():
        create_key_file(path)
    current, _ = read_key_file(path)
    fresh = secrets.token_bytes(KEY_BYTES)
    temporary = path.with_name(path.name + ".new")
    temporary.unlink(missing_ok=True)
    _write_private(temporary, _render(fresh, current._secret), exclusive=True)
    os.replace(temporary, path)
    return EpochKey(fresh).key_id, current.key_id


def rotate_anonymity_key(env_key: str | None, key_path: Path) -> str:
    """Rotate the key file; return what to tell the operator."""
    if env_key:
        raise ConfigError(
            [
                "ANONYMITY_KEY is set, so the key comes from your environment and Alongside "
                "can't rotate it. Either set a new ANONYMITY_KEY (blocks made under the old key "
                "lapse at once) or unset it to let Alongside keep a key file it can rotate "
                "gently (blocks under the old key then also lapse at once, this one time)."
            ]
        )
    new, kept = rotate_key_file(key_path)
    return (
        f"Alongside now uses a new anonymity key ({new:08x}). The previous key ({kept:08x}) is "
        "kept so that blocks made under it keep working until the next rotation; the key "
        "before it has lapsed, with its blocks. Restart the bot to start using the new key, "
        "and back up the key file again."
    )
