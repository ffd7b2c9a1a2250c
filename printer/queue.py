"""The print queue: each document sent to a printer is a job, retried until it prints.

A job moves queued → sending → sent → printed. When the printer cannot take it the job is
failed and tried again later (10 s, 20 s, 40 s … at most 10 min apart) up to eight times, then
waits for someone to re-send it. The document itself is never part of the job's fate: it stays
in `documents`, so a jammed or missing printer loses nothing.

Each step is its own short transaction and the printer is never talked to inside one, so a slow
`lp` does not hold the database; a job is claimed (status "sending") before it is sent, so two
kiosks processing the queue at once never print the same job twice.

Several machines share the station's database, but a printer string means something only on a
machine that prints to it (a CUPS queue it has, a folder of its own), so each machine handles
only the jobs queued for its own configured printer; the others wait for their machine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.orm import Session

from kiosk.audit import record_event
from kiosk.cases import find_case
from kiosk.models import Case, Document, PrintJob, utcnow
from kiosk.station import Station
from printer import decision
from printer.backends import (
    JobStatus,
    PrintBackend,
    PrintError,
    backend_for_printer,
    configured_printer,
)
from printer.documents import (
    KINDS_BY_NAME,
    ensure_document,
    ensure_documents,
    ensure_statement,
)

QUEUED = "queued"
SENDING = "sending"
SENT = "sent"
PRINTED = "printed"
FAILED = "failed"

ACTOR = "printer"
MAX_AUTOMATIC_ATTEMPTS = 8
FIRST_RETRY_DELAY = timedelta(seconds=10)
LONGEST_RETRY_DELAY = timedelta(minutes=10)
# A job still "sending" this long after it was claimed belongs to a process that died mid-send.
STALLED_AFTER = timedelta(minutes=10)

BackendFactory = Callable[[str], PrintBackend]


class PrintQueueError(ValueError):
    """A print request that cannot be carried out as asked (no such job or document)."""


@dataclass(frozen=True)
class JobView:
    """A print job as the officer sees it: with its case code and document kind."""

    id: int
    case_code: str
    kind: str
    printer: str
    status: str
    attempts: int
    last_error: str | None
    external_id: str | None
    next_attempt_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @property
    def will_retry(self) -> bool:
        """Whether the queue tries this failed job again by itself."""
        return self.status == FAILED and self.next_attempt_at is not None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "case": self.case_code, "kind": self.kind,
                "printer": self.printer, "status": self.status, "attempts": self.attempts,
                "last_error": self.last_error, "external_id": self.external_id,
                "next_attempt_at": self.next_attempt_at, "will_retry": self.will_retry,
                "created_at": self.created_at, "updated_at": self.updated_at}


def retry_delay(attempts: int) -> timedelta:
    """How long a job waits after its n-th failed attempt: 10 s · 2^(n-1), at most 10 min."""
    exponent = max(attempts - 1, 0)
    if exponent > 16:  # far past the cap; no need for huge numbers
        return LONGEST_RETRY_DELAY
    return min(FIRST_RETRY_DELAY * 2**exponent, LONGEST_RETRY_DELAY)


def _next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to try again by itself, or None once it has given up."""
    return now + retry_delay(attempts) if attempts < MAX_AUTOMATIC_ATTEMPTS else None


def _audit(session: Session, action: str, job: PrintJob, document: Document,
           actor: str = ACTOR, **extra: Any) -> None:
    payload = {"job": job.id, "kind": document.kind, "submission": document.submission,
               "printer": job.printer, "file_sha256": document.file_sha256,
               "attempts": job.attempts, **extra}
    record_event(session, actor, action, case_id=document.case_id, payload=payload)


# -- queueing --------------------------------------------------------------------------------


def enqueue(session: Session, document: Document, printer: str, *,
            actor: str = ACTOR) -> PrintJob:
    """Queues a stored document for a printer (`file:/folder` or `cups:QUEUE`); audited."""
    now = utcnow()
    job = PrintJob(document_id=document.id, printer=printer, status=QUEUED, attempts=0,
                   created_at=now, updated_at=now)
    session.add(job)
    session.flush()
    _audit(session, "print.queued", job, document, actor)
    return job


def resend(session: Session, job_id: int, *, printer: str, actor: str = ACTOR) -> PrintJob:
    """Puts a failed job back in the queue for `printer`, the printer of the machine re-sending
    it (its attempts are kept); audited, with the printer it leaves if that differs.

    The job moves to that printer even when it was queued for another one: the officer asks for
    the document here, and a job whose printer is no longer any machine's (the setting changed
    after it was queued) would otherwise wait for ever. For the same reason a job still queued
    for another printer may be re-sent too.
    """
    job = session.get(PrintJob, job_id, with_for_update=True)
    if job is None:
        raise PrintQueueError(f"no print job {job_id}")
    if not (job.status == FAILED or (job.status == QUEUED and job.printer != printer)):
        raise PrintQueueError(f"print job {job_id} is {job.status}; only a failed job, or one "
                              "queued for another printer, is re-sent (print the case again "
                              "for another copy)")
    document = session.get_one(Document, job.document_id)
    moved_from = {"previous_printer": job.printer} if job.printer != printer else {}
    job.printer = printer
    job.status = QUEUED
    job.next_attempt_at = None
    job.updated_at = utcnow()
    _audit(session, "print.resent", job, document, actor, **moved_from)
    return job


def stored_documents(session: Session, case: Case) -> list[Document]:
    """The latest stored document of each kind of a case (from its latest submission)."""
    rows = session.execute(
        select(Document).where(Document.case_id == case.id).order_by(Document.id)
    ).scalars().all()
    latest = {row.kind: row for row in rows}
    return sorted(latest.values(), key=lambda row: row.id)


def print_case(station: Station, code: str, kind: str | None = None, *,
               actor: str = ACTOR) -> list[JobView]:
    """Queues a case's documents (or the one `kind`) for the configured printer and processes
    the queue once; returns the new jobs as they stand afterwards.

    Documents the case is ready for but that are not stored yet are rendered and stored first
    (the statement before the decision, which cites its page count), as `kiosk documents` does.
    """
    printer = configured_printer(station.settings)
    with station.database.session() as session:
        case = find_case(session, code)
        if kind is None:
            ensure_documents(session, case, station)
            documents = stored_documents(session, case)
        else:
            documents = [_ensure_kind(session, case, station, kind)]
        if not documents:
            raise PrintQueueError(f"case {case.code} has no documents yet (not submitted)")
        job_ids = [enqueue(session, document, printer, actor=actor).id
                   for document in documents]
    process(station)
    with station.database.session(readonly=True) as session:
        return job_views(session, job_ids=job_ids)


def _ensure_kind(session: Session, case: Case, station: Station, kind: str) -> Document:
    if kind not in KINDS_BY_NAME:
        raise PrintQueueError(f"no document kind {kind!r} (one of {', '.join(KINDS_BY_NAME)})")
    if kind in decision.KINDS:
        ensure_statement(session, case, station)  # the decision cites the statement's pages
    document = ensure_document(session, case, station, KINDS_BY_NAME[kind])
    if document is None and not KINDS_BY_NAME[kind].will_come(case):
        raise PrintQueueError(f"case {case.code} has no {kind} and will have none (it is "
                              f"{case.status}" + (", with no penalty)" if case.decision
                                                 else ")"))
    if document is None:
        later = " (made when the case is approved)" if kind in decision.KINDS else ""
        raise PrintQueueError(f"case {case.code} has no {kind} yet{later}")
    return document


# -- processing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Claimed:
    """A job this process took for sending, with what it needs outside the transaction."""

    job_id: int
    printer: str
    pdf: bytes
    title: str


def process(station: Station, now: datetime | None = None, *, every_printer: bool = False,
            backend_for: BackendFactory = backend_for_printer) -> list[PrintJob]:
    """Sends this machine's due jobs (queued, or failed and due for another try) and asks its
    printer about its sent ones; returns the jobs it changed, in id order.

    This machine's jobs are those queued for its configured printer; the jobs of other printers
    wait for a machine that prints to them. `every_printer` handles every job instead, for a
    caller that can reach every printer named in the queue. `now` is the moment retries are
    counted from (the station's clock by default).
    """
    now = station.now() if now is None else now
    handled = _handled_jobs(station, every_printer)
    changed: dict[int, PrintJob] = {}
    for job in _recover_stalled(station, now, handled):
        changed[job.id] = job
    for job_id in _due_job_ids(station, now, handled):
        claimed = _claim(station, job_id, now, handled)
        if claimed is None:
            continue  # another kiosk took it meanwhile, or it was re-sent to another printer
        try:
            external_id = backend_for(claimed.printer).send(claimed.pdf, claimed.title)
        except PrintError as exc:
            job = _record_failure(station, job_id, str(exc), now)
        else:
            job = _record_sent(station, job_id, external_id, now)
        if job is not None:
            changed[job.id] = job
    for job in poll(station, now, every_printer=every_printer, backend_for=backend_for):
        changed[job.id] = job
    return [changed[job_id] for job_id in sorted(changed)]


def poll(station: Station, now: datetime | None = None, *, every_printer: bool = False,
         backend_for: BackendFactory = backend_for_printer) -> list[PrintJob]:
    """Asks this machine's printer (or every printer) about its sent jobs: printed ones are
    marked so, ones the printer gave up on are failed (and retried like a failed send). Returns
    the jobs it changed."""
    now = station.now() if now is None else now
    with station.database.session(readonly=True) as session:
        sent = session.execute(
            select(PrintJob.id, PrintJob.printer, PrintJob.external_id)
            .where(PrintJob.status == SENT, _handled_jobs(station, every_printer))
            .order_by(PrintJob.id)
        ).all()
    changed: list[PrintJob] = []
    for job_id, printer, external_id in sent:
        status = _ask(backend_for, printer, external_id)
        if status in ("printed", "failed"):
            job = _record_outcome(station, job_id, status, now)
            if job is not None:
                changed.append(job)
    return changed


def _ask(backend_for: BackendFactory, printer: str, external_id: str | None) -> JobStatus:
    if not external_id:
        return "unknown"
    try:
        return backend_for(printer).status(external_id)
    except PrintError:
        return "unknown"


def _handled_jobs(station: Station, every_printer: bool) -> ColumnElement[bool]:
    """Which jobs this machine handles: those queued for its configured printer, or all.

    Compared as the string a job stores, so a machine handles the jobs of every machine that
    names its printer the same way. PrintError if this machine's printer setting is incomplete.
    """
    if every_printer:
        return true()
    return PrintJob.printer == configured_printer(station.settings)


def _due_job_ids(station: Station, now: datetime, handled: ColumnElement[bool]) -> list[int]:
    with station.database.session(readonly=True) as session:
        return list(session.execute(
            select(PrintJob.id).where(_is_due(now), handled).order_by(PrintJob.id)
        ).scalars())


def _is_due(now: datetime) -> Any:
    return or_(
        and_(PrintJob.status == QUEUED,
             or_(PrintJob.next_attempt_at.is_(None), PrintJob.next_attempt_at <= now)),
        and_(PrintJob.status == FAILED, PrintJob.attempts < MAX_AUTOMATIC_ATTEMPTS,
             PrintJob.next_attempt_at.is_not(None), PrintJob.next_attempt_at <= now),
    )


def _claim(station: Station, job_id: int, now: datetime,
           handled: ColumnElement[bool]) -> _Claimed | None:
    """Marks a due job "sending" (so no one else sends it) and reads its document."""
    with station.database.session() as session:
        # `handled` again: the job may have been re-sent to another printer since it was listed.
        job = session.execute(
            select(PrintJob).where(PrintJob.id == job_id, _is_due(now), handled)
            .with_for_update()
        ).scalar_one_or_none()
        if job is None:
            return None
        document = session.get_one(Document, job.document_id)
        case_code = session.execute(
            select(Case.code).where(Case.id == document.case_id)).scalar_one()
        job.status = SENDING
        job.updated_at = now
        return _Claimed(job.id, job.printer, document.pdf,
                        f"{case_code}-{document.kind}-{job.id}")


def _record_sent(station: Station, job_id: int, external_id: str,
                 now: datetime) -> PrintJob | None:
    with station.database.session() as session:
        job = _locked(session, job_id, SENDING)
        if job is None:
            return None
        job.status = SENT
        job.attempts += 1
        job.external_id = external_id
        job.last_error = None
        job.next_attempt_at = None
        job.updated_at = now
        _audit(session, "print.sent", job, session.get_one(Document, job.document_id),
               external_id=external_id)
        return job


def _record_failure(station: Station, job_id: int, error: str, now: datetime, *,
                    expected: str = SENDING, counts_attempt: bool = True) -> PrintJob | None:
    with station.database.session() as session:
        job = _locked(session, job_id, expected)
        if job is None:
            return None
        if counts_attempt:
            job.attempts += 1
        job.status = FAILED
        job.last_error = error
        job.next_attempt_at = _next_attempt(job.attempts, now)
        job.updated_at = now
        _audit(session, "print.failed", job, session.get_one(Document, job.document_id),
               error=error, will_retry=job.next_attempt_at is not None)
        return job


def _record_outcome(station: Station, job_id: int, status: JobStatus,
                    now: datetime) -> PrintJob | None:
    if status == "failed":
        with station.database.session(readonly=True) as session:
            external_id = session.execute(
                select(PrintJob.external_id).where(PrintJob.id == job_id)).scalar_one()
        return _record_failure(station, job_id, f"the printer gave up on job {external_id}",
                               now, expected=SENT, counts_attempt=False)
    with station.database.session() as session:
        job = _locked(session, job_id, SENT)
        if job is None:
            return None
        job.status = PRINTED
        job.updated_at = now
        _audit(session, "print.printed", job, session.get_one(Document, job.document_id),
               external_id=job.external_id)
        return job


def _recover_stalled(station: Station, now: datetime,
                     handled: ColumnElement[bool]) -> list[PrintJob]:
    """Fails jobs left "sending" by a process that died; they are retried like any failure
    (at worst a second copy of the same stored document, never a lost one)."""
    with station.database.session(readonly=True) as session:
        stalled = list(session.execute(
            select(PrintJob.id).where(PrintJob.status == SENDING,
                                      PrintJob.updated_at < now - STALLED_AFTER, handled)
        ).scalars())
    recovered = [_record_failure(station, job_id, "interrupted while sending; it may or may "
                                 "not have reached the printer", now) for job_id in stalled]
    return [job for job in recovered if job is not None]


def _locked(session: Session, job_id: int, status: str) -> PrintJob | None:
    """The job, row-locked, if it is still in the state this process left it in."""
    return session.execute(
        select(PrintJob).where(PrintJob.id == job_id, PrintJob.status == status)
        .with_for_update()
    ).scalar_one_or_none()


# -- reading ---------------------------------------------------------------------------------


def job_views(session: Session, *, job_ids: Iterable[int] | None = None,
              limit: int | None = None) -> list[JobView]:
    """Print jobs with their case code and document kind, oldest first (`limit`: the newest)."""
    query = (select(PrintJob, Document.kind, Case.code)
             .join(Document, Document.id == PrintJob.document_id)
             .join(Case, Case.id == Document.case_id)
             .order_by(PrintJob.id.desc()))
    if job_ids is not None:
        query = query.where(PrintJob.id.in_(list(job_ids)))
    if limit is not None:
        query = query.limit(limit)
    views = [JobView(id=job.id, case_code=code, kind=kind, printer=job.printer,
                     status=job.status, attempts=job.attempts, last_error=job.last_error,
                     external_id=job.external_id, next_attempt_at=job.next_attempt_at,
                     created_at=job.created_at, updated_at=job.updated_at)
             for job, kind, code in session.execute(query)]
    return views[::-1]
