"""The print queue on a folder and on a real CUPS scheduler with a virtual PDF printer.

Every test runs on SQLite and PostgreSQL (the `station` fixture). The CUPS tests share one
private `cupsd` for the session (tests/cups_server.py); a job through cups-pdf takes well under
a second, so they run on both databases too. A machine handles only the jobs of its own printer,
so most tests first make the station's machine print to the folder they look at.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NoReturn

import pytest
from cups_server import CupsServer, CupsServerError, find_cupsd
from sqlalchemy import select
from test_cli import kiosk
from test_printer import signed_case

from kiosk.cases import find_case
from kiosk.models import AuditEvent, Document, PrintJob
from kiosk.station import Station, open_station, with_settings
from printer.backends import CupsBackend, FileBackend, PrintError, configured_printer
from printer.documents import ensure_statement, read_qr
from printer.qr import QrPayload
from printer.queue import (
    MAX_AUTOMATIC_ATTEMPTS,
    PrintQueueError,
    enqueue,
    print_case,
    process,
    resend,
    retry_delay,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PRINTER = "KioskPDF"
T0 = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


# -- helpers ---------------------------------------------------------------------------------


def printing_to(station: Station, folder: Path) -> Station:
    """The station as seen by a machine whose printer is `folder` (the file back-end)."""
    return with_settings(station, printer_backend="file", printer_target=str(folder))


def queue_statement(station: Station, printer: str | None = None) -> tuple[int, Document]:
    """A signed case's statement, queued for `printer` (by default the machine's): the job id
    and the stored document."""
    code = signed_case(station)
    printer = configured_printer(station.settings) if printer is None else printer
    with station.database.session() as session:
        document = ensure_statement(session, find_case(session, code), station)
        assert document is not None
        job = enqueue(session, document, printer)
        assert job.status == "queued" and job.attempts == 0
        return job.id, document


def job_of(station: Station, job_id: int) -> PrintJob:
    with station.database.session(readonly=True) as session:
        return session.get_one(PrintJob, job_id)


def print_events(station: Station, job_id: int) -> list[AuditEvent]:
    with station.database.session(readonly=True) as session:
        events = session.execute(
            select(AuditEvent).where(AuditEvent.action.like("print.%")).order_by(AuditEvent.seq)
        ).scalars().all()
    return [event for event in events if event.payload.get("job") == job_id]


def file_names(folder: Path) -> list[str]:
    """The files in a printer's folder (none when it was never written to)."""
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def stored_pdf(station: Station, document_id: int) -> bytes:
    with station.database.session(readonly=True) as session:
        return session.get_one(Document, document_id).pdf


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


# -- the file backend ------------------------------------------------------------------------


def test_a_job_goes_from_queued_to_printed_and_the_file_is_the_stored_pdf(
        station: Station, tmp_path: Path) -> None:
    folder = tmp_path / "printed"
    station = printing_to(station, folder)
    job_id, document = queue_statement(station)
    changed = process(station)
    assert [(job.id, job.status, job.attempts) for job in changed] == [(job_id, "printed", 1)]
    written = folder / str(job_of(station, job_id).external_id)  # the file backend's id: its name
    assert written.name.endswith(f"-statement-{job_id}.pdf")
    assert written.read_bytes() == document.pdf
    assert [p.name for p in folder.iterdir()] == [written.name]  # no temp file left behind
    events = print_events(station, job_id)
    assert [e.action for e in events] == ["print.queued", "print.sent", "print.printed"]
    assert {e.payload["file_sha256"] for e in events} == {document.file_sha256}
    assert {e.case_id for e in events} == {document.case_id}
    assert process(station) == []  # nothing more to do


def test_an_unwritable_folder_fails_the_job_and_keeps_the_document(
        station: Station, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the folder should be")  # root can write anywhere else
    folder = blocker / "out"
    station = printing_to(station, folder)
    job_id, document = queue_statement(station)

    [job] = process(station, T0)
    assert (job.status, job.attempts) == ("failed", 1)
    assert job.last_error is not None and "cannot write" in job.last_error
    assert str(folder) in job.last_error and "Not a directory" in job.last_error
    assert job.next_attempt_at == T0 + timedelta(seconds=10)
    assert stored_pdf(station, document.id) == document.pdf  # the document is untouched
    failed = print_events(station, job_id)[-1]
    assert failed.action == "print.failed" and failed.payload["error"] == job.last_error
    assert failed.payload["file_sha256"] == document.file_sha256
    assert process(station, T0 + timedelta(seconds=9)) == []  # not due yet

    with station.database.session() as session:
        again = resend(session, job_id, printer=f"file:{folder}")
        assert (again.status, again.attempts) == ("queued", 1)
    blocker.unlink()  # the printer works again
    [job] = process(station, T0 + timedelta(seconds=1))
    assert (job.status, job.attempts, job.last_error) == ("printed", 2, None)
    assert (folder / str(job.external_id)).read_bytes() == document.pdf
    assert [e.action for e in print_events(station, job_id)] == [
        "print.queued", "print.failed", "print.resent", "print.sent", "print.printed"]


def test_retries_back_off_exponentially_and_stop_after_eight_attempts(
        station: Station, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    station = printing_to(station, blocker / "out")
    job_id, _ = queue_statement(station)
    now, delays = T0, []
    for attempt in range(1, MAX_AUTOMATIC_ATTEMPTS + 1):
        [job] = process(station, now)
        assert (job.status, job.attempts) == ("failed", attempt)
        if job.next_attempt_at is None:
            delays.append(None)
            break
        delays.append((job.next_attempt_at - now).total_seconds())
        assert process(station, job.next_attempt_at - timedelta(seconds=1)) == []
        now = job.next_attempt_at
    assert delays == [10, 20, 40, 80, 160, 320, 600, None]
    assert process(station, now + timedelta(days=1)) == []  # given up: waits for a person
    assert job_of(station, job_id).attempts == MAX_AUTOMATIC_ATTEMPTS

    with station.database.session() as session:
        resend(session, job_id, printer=configured_printer(station.settings))
    [job] = process(station, now + timedelta(days=1))  # one more manual try, still failing
    assert (job.status, job.attempts, job.next_attempt_at) == ("failed", 9, None)


def test_retry_delay_is_capped_at_ten_minutes() -> None:
    assert retry_delay(1) == timedelta(seconds=10)
    assert retry_delay(4) == timedelta(seconds=80)
    assert retry_delay(7) == retry_delay(50) == timedelta(minutes=10)


def test_only_a_failed_job_can_be_resent(station: Station, tmp_path: Path) -> None:
    printer = f"file:{tmp_path / 'printed'}"
    job_id, _ = queue_statement(station, printer)
    with station.database.session() as session, pytest.raises(PrintQueueError, match="queued"):
        resend(session, job_id, printer=printer)  # already waiting for this very printer
    with station.database.session() as session, pytest.raises(PrintQueueError, match="no print"):
        resend(session, job_id + 1000, printer=printer)


def test_print_case_prints_to_the_data_folder_by_default(station: Station) -> None:
    code = signed_case(station)
    jobs = print_case(station, code)
    assert {job.status for job in jobs} == {"printed"}
    assert [job.kind for job in jobs] == ["fast-track-notice", "rights-notice", "statement"]
    folder = station.settings.resolved_data_dir / "printed"
    assert configured_printer(station.settings) == f"file:{folder.absolute()}"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{code}-{job.kind}-{job.id}.pdf" for job in jobs)
    with pytest.raises(PrintQueueError, match=r"no decision yet \(made when the case is approved"):
        print_case(station, code, "decision")
    with pytest.raises(PrintQueueError, match="no document kind 'statment'"):
        print_case(station, code, "statment")


def test_the_file_backend_names_files_safely(tmp_path: Path) -> None:
    backend = FileBackend(tmp_path)
    name = backend.send(b"%PDF-1.4", "../../etc/passwd case")
    assert name == "etc_passwd_case.pdf" and (tmp_path / name).read_bytes() == b"%PDF-1.4"
    assert backend.status(name) == "printed"


# -- several machines on one database -------------------------------------------------------


class Crash(Exception):
    """The machine stops in the middle of sending (power cut, killed process)."""


def crashing_backend(printer: str) -> NoReturn:
    raise Crash(printer)


@pytest.fixture
def machine(station: Station, station_env: dict[str, str],
            tmp_path: Path) -> Iterator[Callable[[str], Station]]:
    """Opens another machine of the station (its own connection to the same database) whose
    station file overrides the printer with the folder `tmp_path / name`."""
    opened: list[Station] = []

    def open_machine(name: str) -> Station:
        env = {**station_env, "KIOSK_PRINTER_TARGET": str(tmp_path / name)}
        opened.append(open_station(env, upgrade=False))
        return opened[-1]

    yield open_machine
    for other in opened:
        other.database.dispose()


def test_each_machine_prints_only_the_jobs_queued_for_its_own_printer(
        station: Station, machine: Callable[[str], Station], tmp_path: Path) -> None:
    kiosk_a, kiosk_b = machine("a"), machine("b")
    job_a, document_a = queue_statement(kiosk_a)
    job_b, document_b = queue_statement(kiosk_b)

    assert [(job.id, job.status) for job in process(kiosk_a)] == [(job_a, "printed")]
    [written] = file_names(tmp_path / "a")
    assert written.endswith(f"-statement-{job_a}.pdf")
    assert (tmp_path / "a" / written).read_bytes() == document_a.pdf
    assert file_names(tmp_path / "b") == []  # B's document did not land in A's folder either
    assert (job_of(station, job_b).status, job_of(station, job_b).attempts) == ("queued", 0)
    assert process(kiosk_a) == []  # and stays queued however often A runs

    assert [(job.id, job.status) for job in process(kiosk_b)] == [(job_b, "printed")]
    [written] = file_names(tmp_path / "b")
    assert written.endswith(f"-statement-{job_b}.pdf")
    assert (tmp_path / "b" / written).read_bytes() == document_b.pdf
    assert len(file_names(tmp_path / "a")) == 1


def test_a_job_interrupted_on_its_machine_is_recovered_and_retried_only_there(
        station: Station, machine: Callable[[str], Station], tmp_path: Path) -> None:
    kiosk_a, kiosk_b = machine("a"), machine("b")
    job_b, document_b = queue_statement(kiosk_b)
    with pytest.raises(Crash):
        process(kiosk_b, T0, backend_for=crashing_backend)
    assert job_of(station, job_b).status == "sending"

    later = T0 + timedelta(hours=1)
    assert process(kiosk_a, later) == []  # not A's to give up on, nor to send
    assert job_of(station, job_b).status == "sending"
    [job] = process(kiosk_b, later)
    assert (job.status, job.attempts) == ("failed", 1)
    assert job.last_error is not None and "interrupted while sending" in job.last_error

    assert process(kiosk_a, later + timedelta(minutes=1)) == []  # due again, but not for A
    [job] = process(kiosk_b, later + timedelta(minutes=1))
    assert (job.status, job.attempts) == ("printed", 2)
    assert file_names(tmp_path / "a") == []
    [written] = file_names(tmp_path / "b")
    assert (tmp_path / "b" / written).read_bytes() == document_b.pdf


def test_a_job_for_a_printer_no_machine_has_any_more_is_resent_to_the_current_one(
        station: Station, tmp_path: Path) -> None:
    before = printing_to(station, tmp_path / "old")
    job_id, document = queue_statement(before)  # queued; the machine went off before sending
    now = printing_to(station, tmp_path / "new")  # then the printer setting was changed

    assert process(now) == []  # the old printer's job is no longer any machine's to send
    assert job_of(station, job_id).status == "queued"
    with station.database.session() as session:
        resend(session, job_id, printer=configured_printer(now.settings), actor="duty")
    [job] = process(now)
    assert (job.id, job.status, job.printer) == (job_id, "printed", f"file:{tmp_path / 'new'}")
    assert file_names(tmp_path / "old") == []
    [written] = file_names(tmp_path / "new")
    assert (tmp_path / "new" / written).read_bytes() == document.pdf
    resent = print_events(station, job_id)[1]
    assert (resent.action, resent.actor) == ("print.resent", "duty")
    assert resent.payload["previous_printer"] == f"file:{tmp_path / 'old'}"
    assert resent.payload["printer"] == f"file:{tmp_path / 'new'}"


def test_every_printer_sends_the_jobs_of_all_printers(station: Station, tmp_path: Path) -> None:
    queue_statement(station, f"file:{tmp_path / 'a'}")
    queue_statement(station, f"file:{tmp_path / 'b'}")
    assert process(station) == []  # neither is this machine's printer
    changed = process(station, every_printer=True)
    assert [job.status for job in changed] == ["printed", "printed"]
    assert len(file_names(tmp_path / "a")) == len(file_names(tmp_path / "b")) == 1


# -- the print command -----------------------------------------------------------------------


def test_the_print_command_reports_a_failure_and_retry_completes_it(
        station: Station, station_env: dict[str, str], tmp_path: Path) -> None:
    code = signed_case(station)
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    env = {**station_env, "KIOSK_PRINTER_TARGET": str(blocker / "out")}
    failed = kiosk(env, "print", code, "--doc", "statement")
    assert failed.returncode == 1
    assert "failed" in failed.stderr and "Not a directory" in failed.stderr
    assert "attempts 1" in failed.stderr

    status = kiosk(env, "print", "status", "--json")
    assert status.returncode == 0, status.stderr
    [row] = json.loads(status.stdout)
    assert (row["case"], row["kind"], row["status"], row["attempts"]) == (
        code, "statement", "failed", 1)
    assert row["printer"] == f"file:{blocker / 'out'}" and "Not a directory" in row["last_error"]

    blocker.unlink()
    retried = kiosk(env, "print", "retry", str(row["id"]))
    assert retried.returncode == 0, retried.stderr
    assert "printed" in retried.stdout and "attempts 2" in retried.stdout
    again = kiosk(env, "print", "retry", str(row["id"]))
    assert again.returncode == 1 and "only a failed job" in again.stderr


def test_the_print_command_lists_a_job_left_on_an_old_printer_and_retry_prints_it_here(
        station: Station, station_env: dict[str, str], tmp_path: Path) -> None:
    code = signed_case(station)
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    old = {**station_env, "KIOSK_PRINTER_TARGET": str(blocker / "out")}
    assert kiosk(old, "print", code, "--doc", "statement").returncode == 1
    new = {**station_env, "KIOSK_PRINTER_TARGET": str(tmp_path / "new")}  # the setting changed

    status = kiosk(new, "print", "status")
    assert status.returncode == 0, status.stderr
    [line] = status.stdout.splitlines()
    job_id = line.split()[1]
    assert f"{code}  statement  file:{blocker / 'out'}  failed" in line
    assert f"waits for a machine that prints to file:{blocker / 'out'}" in line
    assert f"`kiosk print retry {job_id}` sends it to this machine's printer" in line

    retried = kiosk(new, "print", "retry", job_id)
    assert retried.returncode == 0, retried.stderr
    assert f"statement  file:{tmp_path / 'new'}  printed" in retried.stdout
    assert [name.removeprefix(code) for name in file_names(tmp_path / "new")] == [
        f"-statement-{job_id}.pdf"]


# -- a real CUPS scheduler -------------------------------------------------------------------


@pytest.fixture(scope="session")
def cups() -> Iterator[CupsServer]:
    """A private cupsd with the virtual PDF printer KioskPDF, for the whole test run."""
    if find_cupsd() is None:
        pytest.skip("cupsd is not installed (Debian: cups)")
    with CupsServer() as server:
        server.add_pdf_printer(PRINTER)
        yield server


@pytest.fixture
def cups_station(station: Station, cups: CupsServer,
                 monkeypatch: pytest.MonkeyPatch) -> Station:
    """The station printing to KioskPDF on the test scheduler."""
    monkeypatch.setenv("CUPS_SERVER", cups.address)
    return with_settings(station, printer_backend="cups", printer_target=PRINTER)


def test_cups_prints_the_statement_as_a_pdf(cups_station: Station, cups: CupsServer) -> None:
    code = signed_case(cups_station)
    [job] = print_case(cups_station, code, "statement")
    assert job.status in ("sent", "printed") and job.printer == f"cups:{PRINTER}"
    assert job.external_id is not None and job.external_id.startswith(f"{PRINTER}-")
    output = cups.wait_for_output(job.external_id)
    assert "询问笔录" in pdf_text(output)
    # The case code is read off the printed page as a scanner would (the QR): the printer's PDF
    # conversion keeps the Chinese text but not always the text of every digit.
    assert QrPayload.parse(read_qr(output)).case_code == code
    changed = process(cups_station)
    assert [(j.id, j.status) for j in changed] in ([(job.id, "printed")], [])
    assert job_of(cups_station, job.id).status == "printed"
    assert [e.action for e in print_events(cups_station, job.id)][-1] == "print.printed"


def test_a_stopped_printer_keeps_the_job_pending_until_it_is_started(
        cups_station: Station, cups: CupsServer) -> None:
    code = signed_case(cups_station)
    cups.run("cupsdisable", PRINTER)
    try:
        [job] = print_case(cups_station, code, "statement")
        assert job.status == "sent" and job.external_id is not None
        assert CupsBackend(PRINTER).status(job.external_id) == "pending"
        assert process(cups_station) == []
        stored = job_of(cups_station, job.id)
        assert (stored.status, stored.attempts, stored.last_error) == ("sent", 1, None)
    finally:
        cups.run("cupsenable", PRINTER)
    cups.wait_for_output(job.external_id)
    [printed] = process(cups_station)
    assert (printed.id, printed.status) == (job.id, "printed")


def test_a_queue_that_does_not_exist_fails_with_the_cups_message(cups_station: Station) -> None:
    cups_station = with_settings(cups_station, printer_target="NoSuchQueue")
    queue_statement(cups_station)
    [job] = process(cups_station, T0)
    assert (job.status, job.attempts) == ("failed", 1)
    assert job.last_error is not None and "lp -d NoSuchQueue" in job.last_error
    assert "does not exist" in job.last_error
    with pytest.raises(PrintError, match="NoSuchQueue"):
        CupsBackend("NoSuchQueue").send(b"%PDF-1.4", "x")


def test_the_print_command_prints_through_cups(
        station: Station, station_env: dict[str, str], cups: CupsServer) -> None:
    code = signed_case(station)
    env = {**cups.client_env(station_env), "KIOSK_PRINTER_BACKEND": "cups",
           "KIOSK_PRINTER_TARGET": PRINTER}
    result = kiosk(env, "print", code, "--doc", "statement", "--json")
    assert result.returncode == 0, result.stderr
    [job] = json.loads(result.stdout)
    assert job["status"] in ("sent", "printed") and job["case"] == code
    assert "询问笔录" in pdf_text(cups.wait_for_output(job["external_id"]))
    status = kiosk(env, "print", "status")
    assert status.returncode == 0, status.stderr
    assert f"job {job['id']}  {code}  statement  cups:{PRINTER}  printed" in status.stdout


def test_a_configuration_the_installed_cupsd_refuses_is_reported_with_its_own_words(
        tmp_path: Path) -> None:
    """The test scheduler checks its files with `cupsd -t` first, so a directive a newer cupsd
    no longer accepts (as JobPrivateAccess at the top level after 2.4.2-3+deb12u11) fails with
    the error log's line, not with a server that never listens."""
    if find_cupsd() is None:
        pytest.skip("cupsd is not installed (Debian: cups)")

    class Refused(CupsServer):
        def _write_config(self) -> None:
            super()._write_config()
            conf = self.server_root / "cupsd.conf"
            conf.write_text(conf.read_text() + "NoSuchDirective yes\n")

    with pytest.raises(CupsServerError) as refused:
        Refused(tmp_path).start()
    assert "cupsd -t refused" in str(refused.value)
    assert "Unknown directive NoSuchDirective" in str(refused.value)
