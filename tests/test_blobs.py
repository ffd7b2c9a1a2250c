"""The store of large case files: kept once by SHA-256, in chunks, in the station database."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import update
from tamper import tamper_as_file_owner

from kiosk import blobs
from kiosk.models import BlobChunk
from kiosk.station import Station


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> int:
    """Chunks of 1 KiB, so a few KiB of test bytes span several rows as a real segment does."""
    monkeypatch.setattr(blobs, "CHUNK_BYTES", 1024)
    return 1024


def test_a_file_is_stored_by_its_hash_and_read_back_whole(station: Station, tmp_path: Path,
                                                          small_chunks: int) -> None:
    data = bytes(range(256)) * 21  # 5,376 bytes: five full chunks and a part
    source = tmp_path / "segment.mkv"
    source.write_bytes(data)
    with station.database.session() as session:
        stored = blobs.put_blob(session, source, "video/x-matroska")
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert (stored.size, stored.is_new) == (len(data), True)
    with station.database.session() as session:
        assert blobs.read_blob(session, stored.sha256) == data
        assert blobs.blob_info(session, stored.sha256).chunks == 6
        out = blobs.write_blob(session, stored.sha256, tmp_path / "out.mkv")
        assert blobs.blob_problem(session, stored.sha256) is None
    assert out.read_bytes() == data


def test_the_same_bytes_twice_are_stored_once(station: Station) -> None:
    with station.database.session() as session:
        first = blobs.put_blob(session, b"a photo of the scratch", "image/png")
        again = blobs.put_blob(session, b"a photo of the scratch", "image/png")
    assert first.is_new and not again.is_new
    assert first.sha256 == again.sha256


def test_a_changed_or_truncated_chunk_is_found(station: Station, small_chunks: int) -> None:
    data = b"x" * 3000
    with station.database.session() as session:
        sha = blobs.put_blob(session, data, "video/x-matroska").sha256
    with station.database.session() as session:
        tamper_as_file_owner(session)  # the evidence triggers refuse the program (0014)
        session.execute(update(BlobChunk).where(BlobChunk.sha256 == sha, BlobChunk.n == 1)
                        .values(data=b"y" * 1024))
    with station.database.session() as session:
        assert blobs.blob_problem(session, sha) == "changed"
        session.execute(update(BlobChunk).where(BlobChunk.sha256 == sha, BlobChunk.n == 2)
                        .values(data=b"x"))
    with station.database.session() as session:
        assert blobs.blob_problem(session, sha) == "truncated"
        assert blobs.blob_problem(session, "0" * 64) == "missing"
        with pytest.raises(blobs.BlobMissing):
            blobs.read_blob(session, "0" * 64)
