"""The kinds of evidence item and who can give one: the words the core, the settings and the
screens share (issue 12; PSAPL 2025 Art. 111, PR Art. 43)."""

from __future__ import annotations

from enum import StrEnum


class EvidenceKind(StrEnum):
    PHOTO = "photo"        # a photo of an injury or damage (kiosk or desk camera, or a file)
    VIDEO = "video"        # a surveillance or phone clip
    DOCUMENT = "document"  # a scanned letter, a medical record, a statement on paper
    RECEIPT = "receipt"    # a bill of repair or treatment, a receipt of payment
    # Later (issue 12): a forgiveness letter (谅解书) and a compensation receipt signed at the
    # kiosk; they are documents the kiosk renders, not files an officer adds.


class EvidenceSource(StrEnum):
    """Who gave an item. What the offender alone gave never corroborates their own statement
    (PSAPL Art. 111): see `kiosk.evidence.evidence_problem`."""

    OFFICER = "officer"            # an officer's upload (a surveillance clip, a scan)
    KIOSK_CAMERA = "kiosk_camera"  # taken by the kiosk's or the desk's camera
    PARTY = "party"                # handed in by the offender (the case's party)


EVIDENCE_KINDS = tuple(kind.value for kind in EvidenceKind)
