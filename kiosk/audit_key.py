"""The station's audit key: the secret that keys the audit chain, kept outside the database.

Anyone with the database password (it is on every kiosk and console) could otherwise change a
record and rewrite the events after it with valid SHA-256 links. Keyed with HMAC-SHA256 under a
key that is only in a file on the station's machines, a rewritten event no longer verifies.

The key is 32 random bytes, written as hex to `audit.key` in the machine's data folder (or where
the machine setting `audit_key_file` points), readable by its owner only (mode 0600). The first
`kiosk db upgrade` of a station makes it; every other machine of the station gets a copy of the
same file (docs/deployment.md). Its id, a keyed hash of a fixed text, is kept in the chain's head
row so that a machine with another key is refused at once instead of writing a fork.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

KEY_BYTES = 32
_ID_TEXT = b"station-kiosk audit key id"


class AuditKeyProblem(RuntimeError):
    """The audit key cannot be used: `reason` is "missing", "permissions", "unreadable" or
    "mismatch" (another key than the one the station's chain was written with)."""

    def __init__(self, reason: str, path: Path | None, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.path = path


@dataclass(frozen=True)
class AuditKey:
    secret: bytes
    path: Path | None = None

    @property
    def key_id(self) -> str:
        """Names the key without revealing it (kept in the chain's head row)."""
        return hmac.new(self.secret, _ID_TEXT, hashlib.sha256).hexdigest()[:32]

    def mac(self, message: bytes) -> str:
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def __repr__(self) -> str:  # never the secret in a log or a traceback
        return f"AuditKey(id={self.key_id}, path={self.path})"


def read_audit_key(path: Path) -> AuditKey:
    """The key in `path`, refused when absent, unreadable or readable by others."""
    if not path.exists():
        raise AuditKeyProblem("missing", path, f"the station's audit key is missing: {path} "
                              "(copy it from the station's first machine; docs/deployment.md)")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise AuditKeyProblem("permissions", path, f"the audit key {path} may be read by other "
                              f"users (mode {mode:04o}); make it 0600 with chmod 600 {path}")
    try:
        secret = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise AuditKeyProblem("unreadable", path, f"the audit key {path} cannot be read as a "
                              f"key: {exc}") from exc
    if len(secret) != KEY_BYTES:
        raise AuditKeyProblem("unreadable", path, f"the audit key {path} holds {len(secret)} "
                              f"bytes, not {KEY_BYTES}")
    return AuditKey(secret, path)


def create_audit_key(path: Path) -> AuditKey:
    """Writes a new random key to `path` (mode 0600); never overwrites one that exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(KEY_BYTES)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(secret.hex() + "\n")
        out.flush()
        os.fsync(out.fileno())
    return AuditKey(secret, path)
