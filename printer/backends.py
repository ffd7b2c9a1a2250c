"""Where a finished PDF goes to be printed: a folder, or a CUPS queue through `lp`.

A printer is named by one string, stored with each print job so a job queued for one printer
stays with it even if the settings change later: ``file:/some/folder`` or ``cups:QUEUE``.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from kiosk.settings import Settings

JobStatus = Literal["pending", "printed", "failed", "unknown"]

FILE_PREFIX = "file:"
CUPS_PREFIX = "cups:"
COMMAND_TIMEOUT_SECONDS = 60

# `lp` prints "request id is QUEUE-12 (1 file(s))" ("(0 file(s))" when the PDF came on stdin).
_REQUEST_ID = re.compile(r"request id is (\S+) \(\d+ file\(s\)\)")
_UNSAFE_IN_NAME = re.compile(r"[^\w.+-]+")


class PrintError(RuntimeError):
    """A document could not be handed to the printer; the message says why, for the officer."""


class PrintBackend(Protocol):
    """A printer the queue can hand a PDF to and later ask about the job."""

    def send(self, pdf: bytes, title: str) -> str:
        """Hands the PDF over; returns the printer's id for the job. Raises PrintError."""
        ...

    def status(self, external_id: str) -> JobStatus:
        """What became of a job that was handed over: pending, printed, failed or unknown."""
        ...


@dataclass(frozen=True)
class FileBackend:
    """Writes each PDF into a folder as `<title>.pdf` (its id): for a station without a printer
    (someone prints the folder), and for tests."""

    folder: Path

    def send(self, pdf: bytes, title: str) -> str:
        target = self.folder / f"{safe_file_name(title)}.pdf"
        temporary: str | None = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # Temp file and rename: whoever picks files up never sees half a document.
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".part")
            with os.fdopen(handle, "wb") as out:
                out.write(pdf)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except OSError as exc:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
            reason = exc.strerror or str(exc)
            raise PrintError(f"cannot write {target}: {reason}") from exc
        return target.name  # short enough for the job's external_id; the folder is the printer

    def status(self, external_id: str) -> JobStatus:
        return "printed"  # written is done; whoever takes the file away does not un-print it


@dataclass(frozen=True)
class CupsBackend:
    """Sends each PDF to a CUPS queue with `lp`, A4 and scaled to fit, and asks `lpstat` after it.

    The CUPS command-line tools find the server as usual (`CUPS_SERVER`, client.conf). A stopped
    queue (`cupsdisable`) still accepts jobs: they wait in CUPS as pending, not failed.
    """

    queue: str

    def send(self, pdf: bytes, title: str) -> str:
        result = _run_cups(["lp", "-d", self.queue, "-o", "media=A4", "-o", "fit-to-page",
                            "-t", title, "-"], stdin=pdf)
        if result.returncode != 0:
            raise PrintError(f"lp -d {self.queue}: {_message(result)}")
        found = _REQUEST_ID.search(result.stdout)
        if found is None:
            raise PrintError(f"lp -d {self.queue} gave no request id: {_message(result)}")
        return found.group(1)

    def status(self, external_id: str) -> JobStatus:
        try:
            if external_id in self._jobs("not-completed"):
                return "pending"
            if external_id in self._jobs("completed"):
                return "printed"
        except PrintError:
            pass  # the scheduler is unreachable right now: ask again on the next round
        return "unknown"

    def _jobs(self, which: str) -> set[str]:
        result = _run_cups(["lpstat", "-W", which, "-o", self.queue])
        if result.returncode != 0:
            raise PrintError(f"lpstat -o {self.queue}: {_message(result)}")
        return {line.split()[0] for line in result.stdout.splitlines() if line.strip()
                and not line[0].isspace()}


def _run_cups(argv: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    # The C locale: `lp` translates "request id is", and we read it.
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    env.pop("LANGUAGE", None)
    try:
        result = subprocess.run(argv, input=stdin, capture_output=True, env=env, check=False,
                                timeout=COMMAND_TIMEOUT_SECONDS)
    except FileNotFoundError as exc:
        raise PrintError(f"{argv[0]} is not installed (Debian: cups-client)") from exc
    except subprocess.TimeoutExpired as exc:
        raise PrintError(f"{argv[0]} did not answer within {COMMAND_TIMEOUT_SECONDS} s") from exc
    except OSError as exc:
        raise PrintError(f"{argv[0]}: {exc}") from exc
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(errors="replace"),
        result.stderr.decode(errors="replace"))


def _message(result: subprocess.CompletedProcess[str]) -> str:
    text = (result.stderr.strip() or result.stdout.strip()).splitlines()
    return text[-1] if text else f"exit status {result.returncode}"


def safe_file_name(title: str) -> str:
    """A title as a file name: letters, digits, `.`, `+`, `-` and `_` only, never hidden."""
    name = _UNSAFE_IN_NAME.sub("_", title).strip("._")
    return name or "document"


def configured_printer(settings: Settings, data_dir: Path | None = None) -> str:
    """The printer the settings name, as a job stores it: `file:/folder` or `cups:QUEUE`."""
    if settings.printer_backend == "cups":
        if not settings.printer_target.strip():
            raise PrintError("printer_backend is cups but printer_target names no CUPS queue")
        return CUPS_PREFIX + settings.printer_target.strip()
    if settings.printer_target.strip():
        folder = Path(settings.printer_target.strip()).expanduser()
    else:
        folder = (data_dir if data_dir is not None else settings.resolved_data_dir) / "printed"
    return FILE_PREFIX + str(folder.absolute())


def backend_for_printer(printer: str) -> PrintBackend:
    """The backend for a printer string a job stores (`file:/folder` or `cups:QUEUE`)."""
    if printer.startswith(FILE_PREFIX) and printer[len(FILE_PREFIX):]:
        return FileBackend(Path(printer[len(FILE_PREFIX):]))
    if printer.startswith(CUPS_PREFIX) and printer[len(CUPS_PREFIX):]:
        return CupsBackend(printer[len(CUPS_PREFIX):])
    raise PrintError(f"unknown printer {printer!r} (expected file:/folder or cups:QUEUE)")


def backend_for(settings: Settings, data_dir: Path | None = None) -> PrintBackend:
    """The backend the settings choose (`printer_backend`, `printer_target`)."""
    return backend_for_printer(configured_printer(settings, data_dir))
