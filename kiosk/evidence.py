"""A case's evidence items: files checked by their content, kept once in the blob store, audited.

The party's own statement never carries a penalty alone (PSAPL 2025 Art. 111; PR Art. 43: the
fast-track's statement must be corroborated by other key evidence). An item is a photo, a clip,
a scanned document or a receipt, added by an officer (an upload, or what the party handed in)
or taken by a camera; the decision lists every item (Art. 115(2)). `evidence_problem` is the
Art. 111 gate the final approval asks before a penalty.

An item is checked before anything is written, and refused with a `reason`:
- `too_large`: more than the station's `evidence_max_mb`;
- `unknown_type`: the bytes are none of PNG, JPEG, PDF, MP4 (ISO media) or Matroska/WebM,
  whatever the file's name says;
- `kind_mismatch`: a photo that is not an image, a video that is not a clip, a document or
  receipt that is neither an image nor a PDF;
- `unreadable`: an image Pillow cannot decode, or a PDF without its end;
- `already_added`: the same bytes are an item of this case already (kept once);
- `already_decided`: the case is final (approved, converted, mediated): its file is closed;
- `role_needed` / `evidence_account_disabled`: only active officers, reviewers and approvers
  add items.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.audit import record_event
from kiosk.blobs import hash_of, put_blob, write_blob
from kiosk.cases import CaseError
from kiosk.evidence_kinds import EvidenceKind, EvidenceSource
from kiosk.models import Case, EvidenceItem, User
from kiosk.roles import DECIDING_ROLES
from kiosk.settings import Settings
from kiosk.states import FINAL

# Who may add evidence (issue 12): officers, reviewers and approvers.
ADDING_ROLES = DECIDING_ROLES

MB = 1 << 20
SNIFF_BYTES = 64
"""How much of a file's start tells its type (the Matroska doctype is within its header)."""
PDF_TAIL_BYTES = 2048
"""Where a complete PDF's `%%EOF` must be: writers put it last, some add a line or padding."""

IMAGE_TYPES = frozenset({"image/png", "image/jpeg"})
VIDEO_TYPES = frozenset({"video/mp4", "video/quicktime", "video/webm", "video/x-matroska"})
PDF_TYPE = "application/pdf"

# Which contents each kind may have: a photo is an image, a receipt may be a photo or a scan.
KIND_TYPES: dict[EvidenceKind, frozenset[str]] = {
    EvidenceKind.PHOTO: IMAGE_TYPES,
    EvidenceKind.VIDEO: VIDEO_TYPES,
    EvidenceKind.DOCUMENT: IMAGE_TYPES | {PDF_TYPE},
    EvidenceKind.RECEIPT: IMAGE_TYPES | {PDF_TYPE},
}


class EvidenceError(CaseError):
    """An evidence item refused before anything was written; `reason` and `values` say why."""


@dataclass(frozen=True)
class EvidenceView:
    """One item as lists, screens and documents show it (times are UTC; show them in the
    station's zone)."""

    id: int
    sha256: str
    kind: str
    source: str
    media_type: str
    size: int
    name: str
    added_by: str
    added_at: datetime
    person_id: str | None

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]


def media_type_of(head: bytes) -> str | None:
    """The media type a file's first bytes show, or None for a type the station does not keep."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"%PDF-"):
        return PDF_TYPE
    if head[4:8] == b"ftyp":  # ISO base media (MP4, MOV): a box "ftyp" first, with its brand
        return "video/quicktime" if head[8:12] == b"qt  " else "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: Matroska, or WebM by its doctype
        return "video/webm" if b"webm" in head else "video/x-matroska"
    return None


def _head_and_tail(data: bytes | Path, size: int) -> tuple[bytes, bytes]:
    if isinstance(data, bytes):
        return data[:SNIFF_BYTES], data[-PDF_TAIL_BYTES:]
    with data.open("rb") as stream:
        head = stream.read(SNIFF_BYTES)
        stream.seek(max(0, size - PDF_TAIL_BYTES))
        return head, stream.read()


def _is_readable_image(data: bytes | Path) -> bool:
    """Whether Pillow decodes the whole image (a truncated or corrupt one fails in `load`)."""
    try:
        with Image.open(io.BytesIO(data) if isinstance(data, bytes) else data) as image:
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError):
        return False
    return True


def _size_of(data: bytes | Path) -> int:
    return len(data) if isinstance(data, bytes) else data.stat().st_size


def check_file(data: bytes | Path, kind: EvidenceKind, settings: Settings) -> str:
    """The media type of a file fit to be an item of this kind; EvidenceError says why not."""
    size = _size_of(data)
    limit = settings.evidence_max_mb * MB
    if size > limit:
        raise EvidenceError(f"the file is {size / MB:.1f} MB, more than the station's limit of "
                            f"{settings.evidence_max_mb} MB (evidence_max_mb)",
                            reason="too_large", size=size, limit_mb=settings.evidence_max_mb)
    head, tail = _head_and_tail(data, size)
    media_type = media_type_of(head)
    if media_type is None:
        raise EvidenceError("the file is not a PNG or JPEG image, a PDF, or an MP4, MKV or WebM "
                            "video (by its content, whatever its name)", reason="unknown_type")
    if media_type not in KIND_TYPES[kind]:
        raise EvidenceError(f"a {kind.value} cannot be a file of type {media_type}",
                            reason="kind_mismatch", kind=kind.value, media_type=media_type)
    if media_type in IMAGE_TYPES and not _is_readable_image(data):
        raise EvidenceError(f"the image ({media_type}) cannot be read: damaged or cut short",
                            reason="unreadable", media_type=media_type)
    if media_type == PDF_TYPE and b"%%EOF" not in tail:
        raise EvidenceError("the PDF has no end (%%EOF): damaged or cut short",
                            reason="unreadable", media_type=media_type)
    return media_type


def _require_adder(user: User) -> None:
    if user.is_disabled:
        raise EvidenceError(f"the account {user.username!r} is disabled; it may not add "
                            f"evidence", reason="evidence_account_disabled",
                            user=user.username)
    if not set(user.roles) & ADDING_ROLES:
        names = ", ".join(sorted(ADDING_ROLES))
        raise EvidenceError(f"{user.username} may not add evidence: it needs one of the roles "
                            f"{names}", reason="role_needed", user=user.username,
                            action="add_evidence", roles=sorted(ADDING_ROLES))


def _kind(kind: str) -> EvidenceKind:
    try:
        return EvidenceKind(kind)
    except ValueError:
        kinds = ", ".join(EvidenceKind)
        raise EvidenceError(f"unknown kind of evidence {kind!r} (one of: {kinds})",
                            reason="unknown_kind", kind=kind) from None


def _source(source: str) -> EvidenceSource:
    try:
        return EvidenceSource(source)
    except ValueError:
        sources = ", ".join(EvidenceSource)
        raise EvidenceError(f"unknown source of evidence {source!r} (one of: {sources})",
                            reason="unknown_source", source=source) from None


def add_evidence(session: Session, case: Case, user: User, data: bytes | Path, *,
                 kind: str, settings: Settings, source: str = EvidenceSource.OFFICER,
                 name: str = "") -> EvidenceItem:
    """Adds a file to a case's evidence, in the caller's transaction, with its audit event.

    Everything is checked before anything is written; a refusal (EvidenceError) leaves the
    case, the store and the chain as they were.
    """
    _require_adder(user)
    the_kind, the_source = _kind(kind), _source(source)
    if case.status in FINAL:
        raise EvidenceError(f"case {case.code} is decided ({case.status}); its evidence is "
                            f"closed", reason="already_decided", code=case.code,
                            status=case.status)
    media_type = check_file(data, the_kind, settings)
    sha256, size = hash_of(data)
    earlier = session.execute(select(EvidenceItem).where(
        EvidenceItem.case_id == case.id, EvidenceItem.sha256 == sha256)).scalar_one_or_none()
    if earlier is not None:
        raise EvidenceError(f"this file is already evidence of case {case.code} (a "
                            f"{earlier.kind}, added by {earlier.added_by})",
                            reason="already_added", sha256=sha256, kind=earlier.kind,
                            user=earlier.added_by, at=earlier.added_at)
    name = (name or (data.name if isinstance(data, Path) else ""))[:255]
    stored = put_blob(session, data, media_type, hashed=(sha256, size))
    item = EvidenceItem(case_id=case.id, sha256=stored.sha256, kind=the_kind.value,
                        source=the_source.value, name=name, added_by=user.username)
    try:
        with session.begin_nested():  # a colleague adding the same file at the same moment
            session.add(item)
    except IntegrityError:
        raise EvidenceError(f"this file was just added to case {case.code} by someone else",
                            reason="already_added", sha256=sha256, kind=the_kind.value,
                            user="?", at=datetime.now(UTC)) from None
    record_event(session, user.username, "evidence.added", case_id=case.id, payload={
        "item": item.id, "sha256": sha256, "kind": the_kind.value, "source": the_source.value,
        "size": size, "media_type": media_type, "name": name})
    return item


def _view(item: EvidenceItem) -> EvidenceView:
    return EvidenceView(item.id, item.sha256, item.kind, item.source, item.blob.media_type,
                        item.blob.size, item.name, item.added_by, item.added_at, item.person_id)


def evidence_of(session: Session, case: Case) -> list[EvidenceView]:
    """A case's items in the order they were added."""
    rows = session.execute(select(EvidenceItem).where(EvidenceItem.case_id == case.id)
                           .order_by(EvidenceItem.id)).scalars()
    return [_view(item) for item in rows]


def find_item(session: Session, case: Case, sha256: str) -> EvidenceView:
    """An item of a case by its hash, or by the hash's start (at least 8 characters, unique)."""
    key = sha256.strip().lower()
    matches = [item for item in evidence_of(session, case)
               if len(key) >= 8 and item.sha256.startswith(key)]
    if len(matches) != 1:
        raise EvidenceError(f"case {case.code} has no evidence item {sha256!r}" if not matches
                            else f"{sha256!r} names several items of case {case.code}; give "
                            f"more of the hash", reason="item_not_found" if not matches
                            else "item_ambiguous", code=case.code, sha256=sha256)
    return matches[0]


def export_item(session: Session, item: EvidenceView, path: Path) -> Path:
    """Writes an item's bytes to a file (a copy for a viewer, a court or a prosecutor)."""
    return write_blob(session, item.sha256, path)


def counting_items(items: list[EvidenceView], settings: Settings) -> Iterator[EvidenceView]:
    """The items that corroborate the party's statement (PSAPL Art. 111): of a kind the station
    counts (`evidence_kinds_counting`), and not given by the offender alone."""
    kinds = set(settings.evidence_kinds_counting)
    # Once a case has persons (issue 12), "party" means the offender: a victim's or witness's
    # item will carry their person_id and a source of its own.
    return (item for item in items
            if item.kind in kinds and item.source != EvidenceSource.PARTY)


def evidence_problem(session: Session, case: Case, settings: Settings) -> str | None:
    """Why a penalty may not be decided on this case's evidence, or None when it may.

    PSAPL 2025 Art. 111: no decision rests on the party's own statement alone. Ask it only for a
    penalty (a decision not to penalise needs no corroboration). The answer is a reason for a
    screen to word: "no_other_evidence".
    """
    if next(counting_items(evidence_of(session, case), settings), None) is None:
        return "no_other_evidence"
    return None
