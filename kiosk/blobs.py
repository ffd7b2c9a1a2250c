"""The store of a case's large files (recording segments, evidence items), kept once by SHA-256.

The bytes live in the station database, in chunks of `CHUNK_BYTES`, rather than on a shared
folder. Why:
- every machine of the station already reaches the database, so a segment recorded at the kiosk
  plays at any console with nothing more to mount, on SQLite (one machine) and PostgreSQL alike;
- a file lands in the same transaction as the audit event that names its hash, so there is never
  a file the chain does not know, nor an event whose file was not written;
- one backup of the database holds the whole case file.
A blob is never changed once written: `put_blob` of the same bytes finds the one already there,
and nothing here deletes (removing evidence is for the database owner, not the app).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.models import Blob, BlobChunk

CHUNK_BYTES = 1 << 20
"""One chunk row: small enough for any driver to move at once, large enough to be few."""


class BlobMissing(LookupError):
    """No blob has this hash in the store."""

    reason = "blob_missing"

    def __init__(self, sha256: str) -> None:
        super().__init__(f"no stored file has the hash {sha256}")
        self.sha256 = sha256


class BlobChanged(RuntimeError):
    """The file changed while it was being stored: its bytes no longer hash to what was read
    first (nothing is kept: the caller's transaction is rolled back)."""

    reason = "blob_changed_while_stored"

    def __init__(self, sha256: str) -> None:
        super().__init__(f"the file changed while it was being stored (it was {sha256})")
        self.sha256 = sha256


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    media_type: str
    is_new: bool
    """False when the same bytes were already stored (by anyone): nothing was written."""


def _chunks_of(source: bytes | Path | BinaryIO) -> Iterator[bytes]:
    if isinstance(source, bytes):
        for start in range(0, len(source), CHUNK_BYTES):
            yield source[start:start + CHUNK_BYTES]
        return
    stream = source.open("rb") if isinstance(source, Path) else source
    try:
        while piece := stream.read(CHUNK_BYTES):
            yield piece
    finally:
        if isinstance(source, Path):
            stream.close()


def hash_of(source: bytes | Path) -> tuple[str, int]:
    """The SHA-256 and size of bytes or a file, read in chunks."""
    digest, size = hashlib.sha256(), 0
    for piece in _chunks_of(source):
        digest.update(piece)
        size += len(piece)
    return digest.hexdigest(), size


def put_blob(session: Session, source: bytes | Path, media_type: str, *,
             hashed: tuple[str, int] | None = None) -> StoredBlob:
    """Stores bytes or a file in the caller's transaction, once per content.

    `hashed` is the SHA-256 and size the caller already took with `hash_of`, so a large file is
    not read once more for it; the bytes written are still checked against it (BlobChanged)."""
    sha256, size = hashed or hash_of(source)
    existing = session.get(Blob, sha256)
    if existing is not None:
        return StoredBlob(sha256, existing.size, existing.media_type, is_new=False)
    # The row is written once, whole: blobs are evidence, never updated (migration 0014,
    # docs/deployment/roles.sql), so the number of chunks is counted from the size first.
    chunks = -(-size // CHUNK_BYTES)
    session.add(Blob(sha256=sha256, size=size, media_type=media_type, chunks=chunks))
    session.flush()
    written, digest = 0, hashlib.sha256()
    for written, piece in enumerate(_chunks_of(source), start=1):
        digest.update(piece)
        session.add(BlobChunk(sha256=sha256, n=written - 1, data=piece))
        session.flush()  # one chunk in memory at a time, however large the file
    if written != chunks or digest.hexdigest() != sha256:
        raise BlobChanged(sha256)
    return StoredBlob(sha256, size, media_type, is_new=True)


def blob_info(session: Session, sha256: str) -> Blob:
    blob = session.get(Blob, sha256)
    if blob is None:
        raise BlobMissing(sha256)
    return blob


def iter_blob(session: Session, sha256: str) -> Iterator[bytes]:
    """The bytes of a blob, chunk by chunk, as stored (not checked: see `check_blob`)."""
    for n in range(blob_info(session, sha256).chunks):
        data = session.scalar(select(BlobChunk.data).where(BlobChunk.sha256 == sha256,
                                                           BlobChunk.n == n))
        if data is None:
            return  # a chunk was removed; the caller's hash check says so
        yield data


def read_blob(session: Session, sha256: str) -> bytes:
    return b"".join(iter_blob(session, sha256))


def write_blob(session: Session, sha256: str, path: Path) -> Path:
    """Writes a blob's bytes to a file (for a player or an export) and returns its path."""
    with path.open("wb") as out:
        for piece in iter_blob(session, sha256):
            out.write(piece)
    return path


def blob_problem(session: Session, sha256: str) -> str | None:
    """What is wrong with a stored blob: None when its bytes still hash to its name.

    The answers are reasons, not sentences: "missing", "truncated" (fewer bytes than stored),
    "changed" (the same size, other bytes).
    """
    blob = session.get(Blob, sha256)
    if blob is None:
        return "missing"
    digest, size = hashlib.sha256(), 0
    for piece in iter_blob(session, sha256):
        digest.update(piece)
        size += len(piece)
    if size != blob.size:
        return "truncated"
    if digest.hexdigest() != sha256:
        return "changed"
    return None
