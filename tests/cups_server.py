"""Start a throw-away CUPS scheduler with a virtual PDF printer, so tests print for real.

Typical use (from a session-scoped fixture)::

    if find_cupsd() is None:
        pytest.skip("cupsd is not installed (Debian: cups)")
    with CupsServer() as server:
        server.add_pdf_printer("KioskPDF")
        os.environ.update(server.client_env())   # CUPS_SERVER=127.0.0.1:PORT for lp, lpstat…
        ...                                      # lp -d KioskPDF …  → "KioskPDF-1"
        pdf = server.wait_for_output("KioskPDF-1")

The scheduler lives in its own scratch directory (ServerRoot with cupsd.conf, cups-files.conf
and the printers' PPDs; spool, cache, state and log directories) and listens on a free port on
127.0.0.1 only, with every operation allowed to everyone there. The machine's own CUPS, if any,
is not touched.

The PDF printer is the `cups-pdf` backend (Debian: printer-driver-cups-pdf) with its stock PPD.
cups-pdf reads its settings from ``/etc/cups/cups-pdf.conf`` only (the path is compiled in; a
``*DefaultOut`` in the PPD loses everything after the first "/", and job options cannot set
``Out``), so to write the PDFs into the scratch directory the scheduler runs in a private mount
namespace (``unshare --mount``) where a private cups-pdf.conf is bind-mounted over that file.
Where that is not allowed the PDFs land in cups-pdf's configured folder (Debian: ``~/PDF`` of the
job's user) and the files this server produced are removed on clean-up. Without the cups-pdf
backend (or without root, which cups-pdf needs) the printer is a raw queue on a ``file:`` device
that receives the PDF unchanged. `pdf_mode` says which one is in use.

The queue converts PDF to PostScript with pdftocairo (``pdftops-renderer-default``, as Debian's
README for cups-pdf suggests): the default Ghostscript route drops the text layer of embedded
TrueType CJK fonts, so the printed PDF would have no extractable Chinese text.

Clean-up is defensive like `postgres_server` (see `scratch_server`): ``stop()`` is idempotent, an
``atexit`` hook stops servers still running, and a new server reaps those left by test runs that
were killed.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from scratch_server import (
    HOST,
    ScratchServer,
    free_port,
    is_executable,
    kill_and_wait,
    log_tail,
    pid_alive,
    send_signal,
    wait_for,
    with_log_tails,
)

__all__ = ["CupsServer", "CupsServerError", "find_cupsd"]

PID_FILE = "cupsd.pid"
START_TIMEOUT = 30
STOP_TIMEOUT = 15
OUTPUT_TIMEOUT = 90

SYSTEM_CUPS_PDF_CONF = Path("/etc/cups/cups-pdf.conf")
GENERIC_PDF_PPD = Path("/usr/share/ppd/cupsfilters/Generic-PDF_Printer-PDF.ppd")
_SERVER_BINS = (Path("/usr/lib/cups"), Path("/usr/libexec/cups"))
_PPD_CANDIDATES = (
    Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"),   # Debian, Ubuntu
    Path("/usr/share/cups/model/CUPS-PDF_opt.ppd"),     # Fedora and others
    Path("/usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd"),
    Path("/usr/share/cups/model/CUPS-PDF_noopt.ppd"),
)
# Every CUPS_* variable would point the client tools somewhere else.
_CLIENT_ENV_DROP = ("CUPS_SERVER", "CUPS_ENCRYPTION", "CUPS_USER", "CUPS_GSSSERVICENAME",
                    "LANGUAGE")
_MOUNT_AND_EXEC = 'mount --bind "$1" "$2" && shift 2 && exec "$@"'
_JOB_FILE = re.compile(r"(?:-job_\d+\.pdf|^job_\d+-.*\.pdf)$")


class CupsServerError(RuntimeError):
    """Raised when the test CUPS server cannot be set up, started or used."""


def find_cupsd() -> Path | None:
    """The CUPS scheduler binary, or None if CUPS is not installed."""
    for candidate in (shutil.which("cupsd"), "/usr/sbin/cupsd", "/sbin/cupsd"):
        if candidate and is_executable(Path(candidate)):
            return Path(candidate)
    return None


def find_cups_pdf() -> tuple[Path, Path] | None:
    """The cups-pdf backend and its PPD, or None if printer-driver-cups-pdf is not installed."""
    backend = next((base / "backend" / "cups-pdf" for base in _SERVER_BINS
                    if (base / "backend" / "cups-pdf").is_file()), None)
    ppd = next((path for path in _PPD_CANDIDATES if path.is_file()), None)
    if backend is None or ppd is None:
        return None
    return backend, ppd


def _can_bind_mount_privately() -> bool:
    """Whether this process may make a private mount namespace (root with CAP_SYS_ADMIN)."""
    unshare, mount = shutil.which("unshare"), shutil.which("mount")
    if os.geteuid() != 0 or unshare is None or mount is None:
        return False
    try:
        probe = subprocess.run([unshare, "--mount", "--propagation", "private", "--", "true"],
                               capture_output=True, timeout=15, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0


def _system_cups_pdf_setting(name: str, default: str) -> str:
    """A setting of the machine's cups-pdf.conf, or cups-pdf's compiled-in default."""
    value = default
    with contextlib.suppress(OSError):
        for line in SYSTEM_CUPS_PDF_CONF.read_text(errors="replace").splitlines():
            key, _, rest = line.strip().partition(" ")
            if key == name and rest.strip():
                value = rest.strip()
    return value


def _system_cups_pdf_folder(user: str) -> Path:
    """Where the machine's cups-pdf writes a user's PDFs (its `Out`, with ${HOME}, ${USER})."""
    out = _system_cups_pdf_setting("Out", "/var/spool/cups-pdf/${USER}")
    entry = pwd.getpwnam(user)
    return Path(out.replace("${HOME}", entry.pw_dir).replace("${USER}", entry.pw_name))


@dataclass
class _Printer:
    name: str
    mode: str               # "private", "system-folder" or "file-device"
    folder: Path
    existing: set[Path] = field(default_factory=set)  # system folder: what was there before


class CupsServer(ScratchServer):
    """A throw-away CUPS scheduler for tests."""

    scratch_prefix = "kiosk-cups-"

    def __init__(self, base_dir: Path | None = None) -> None:
        cupsd = find_cupsd()
        if cupsd is None:
            raise CupsServerError("cupsd is not installed (Debian: cups)")
        self.cupsd = cupsd
        super().__init__(base_dir)
        # The filters run as the `lp` user and must reach the spool inside.
        self.scratch_dir.chmod(0o755)
        self.server_root = self.scratch_dir / "etc"
        self.log_dir = self.scratch_dir / "log"
        self.pdf_dir = self.scratch_dir / "pdf"
        self.log_file = self.log_dir / "error_log"
        self.printers: dict[str, _Printer] = {}
        self._process: subprocess.Popen[bytes] | None = None
        self._produced: set[Path] = set()
        self._created_on_machine: list[Path] = []
        self.cups_pdf = find_cups_pdf() if os.geteuid() == 0 else None
        self.private_cups_pdf = (self.cups_pdf is not None and SYSTEM_CUPS_PDF_CONF.is_file()
                                 and _can_bind_mount_privately())

    # ----------------------------------------------------------------------------- lifecycle

    @property
    def running(self) -> bool:
        """Whether the scheduler this object started is still running."""
        return self._process is not None and self._process.poll() is None

    @property
    def address(self) -> str:
        """`host:port` for CUPS_SERVER."""
        return f"{HOST}:{self.port}"

    @property
    def pdf_mode(self) -> str:
        """How PDF printers are made: "private" (cups-pdf writing into the scratch directory),
        "system-folder" (cups-pdf writing into its configured folder) or "file-device"."""
        if self.cups_pdf is None:
            return "file-device"
        return "private" if self.private_cups_pdf else "system-folder"

    def start(self) -> None:
        """Writes the configuration and starts the scheduler; a no-op if running."""
        if self.running:
            return
        began = time.monotonic()
        for attempt in range(3):
            self._write_config()
            self._check_config()
            self._spawn()
            try:
                self._wait_until_ready()
                break
            except CupsServerError:
                log = log_tail(self.log_file) + "\n" + log_tail(self.log_dir / "cupsd.out")
                self._kill()
                if attempt < 2 and "bind" in log.lower():
                    self.port = free_port()  # someone took the port meanwhile
                    continue
                raise
        self.startup_seconds = time.monotonic() - began

    def stop(self) -> None:
        """Stops the scheduler (SIGTERM, then SIGKILL); safe to call repeatedly."""
        if self._process is None:
            return
        try:
            if self._process.poll() is None:
                send_signal(self._process.pid, signal.SIGTERM, group=True)
                try:
                    self._process.wait(timeout=STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    self._kill()
        finally:
            self._process = None

    def cleanup(self) -> None:
        """Stops the scheduler, removes the scratch dir and what it wrote outside the dir."""
        try:
            super().cleanup()
        finally:
            for path in self._produced | self._left_in_system_folders():
                with contextlib.suppress(OSError):
                    path.unlink()
            self._produced.clear()
            for path in self._created_on_machine:
                with contextlib.suppress(OSError):
                    if path.is_dir():
                        path.rmdir()  # only if empty: never what someone else put there
                    else:
                        path.unlink()
            self._created_on_machine.clear()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<CupsServer {self.address} {state} {self.pdf_mode} root={self.server_root}>"

    # ----------------------------------------------------------------------------- clients

    def client_env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """An environment for the CUPS client tools (`lp`, `lpstat`, `lpadmin`, …)."""
        env = {key: value for key, value in (os.environ if base is None else base).items()
               if key not in _CLIENT_ENV_DROP}
        env.update({"CUPS_SERVER": self.address, "LC_ALL": "C", "LANG": "C"})
        return env

    def run(self, *argv: str, stdin: bytes | None = None) -> str:
        """Runs a CUPS client command against this server; its output, or CupsServerError."""
        self._require_running()
        result = subprocess.run(list(argv), input=stdin, capture_output=True, timeout=60,
                                env=self.client_env(), check=False)
        if result.returncode != 0:
            raise CupsServerError(
                f"{' '.join(argv)} failed (exit {result.returncode}): "
                f"{result.stderr.decode(errors='replace').strip()}")
        return result.stdout.decode(errors="replace")

    def add_pdf_printer(self, name: str = "KioskPDF") -> Path:
        """Adds an enabled printer that writes each job as a PDF; returns its output folder."""
        self._require_running()
        if self.cups_pdf is not None:
            _, ppd = self.cups_pdf
            self.run("lpadmin", "-p", name, "-v", "cups-pdf:/", "-P", str(ppd),
                     "-o", "pdftops-renderer-default=pdftocairo",
                     "-o", "printer-error-policy=retry-job", "-E")
            if self.private_cups_pdf:
                printer = _Printer(name, "private", self.pdf_dir / "out")
            else:
                folder = _system_cups_pdf_folder(pwd.getpwuid(os.getuid()).pw_name)
                existing = set(folder.glob("*")) if folder.is_dir() else set()
                printer = _Printer(name, "system-folder", folder, existing)
                # What cups-pdf creates on the machine on first use, removed again on clean-up.
                log = Path(_system_cups_pdf_setting("Log", "/var/log/cups"))
                spool = Path(_system_cups_pdf_setting("Spool", "/var/spool/cups-pdf/SPOOL"))
                self._created_on_machine.extend(
                    path for path in (folder, spool, log / f"cups-pdf-{name}_log")
                    if not path.exists())
        else:
            folder = self.pdf_dir / name
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(0o777)  # the backend writes as the `lp` user
            # A PDF printer driver (cups-filters) so the job runs through pdftopdf: a raw queue
            # on a file: device runs no filter at all and writes nothing.
            model = ["-P", str(GENERIC_PDF_PPD)] if GENERIC_PDF_PPD.is_file() else ["-m", "raw"]
            self.run("lpadmin", "-p", name, "-v", f"file://{folder / 'output.pdf'}", *model,
                     "-E")
            printer = _Printer(name, "file-device", folder)
        self.printers[name] = printer
        return printer.folder

    def job_ids(self, printer: str, which: str = "not-completed") -> list[str]:
        """The ids ("KioskPDF-3") of a printer's jobs: not-completed, completed or all."""
        out = self.run("lpstat", "-W", which, "-o", printer)
        return [line.split()[0] for line in out.splitlines() if line.strip()]

    def wait_for_output(self, job_id: str, timeout: float = OUTPUT_TIMEOUT) -> Path:
        """The PDF a job ("KioskPDF-3") came out as, once CUPS reports the job completed."""
        name, _, number = job_id.rpartition("-")
        printer = self.printers.get(name)
        if printer is None or not number.isdigit():
            raise CupsServerError(f"{job_id!r} is not a job of a printer this server added")

        def output() -> Path | None:
            if job_id not in self.job_ids(name, "completed"):
                return None
            return self._output_of(printer, int(number))

        found = wait_for(output, timeout, interval=0.1)
        if found is None:
            raise CupsServerError(with_log_tails(
                f"no output for {job_id} within {timeout:.0f} s in {printer.folder}; pending: "
                f"{self.job_ids(name)}", self.log_file))
        return found

    # ----------------------------------------------------------------------------- internals

    def _output_of(self, printer: _Printer, number: int) -> Path | None:
        if printer.mode == "file-device":
            path = printer.folder / "output.pdf"
            return path if path.is_file() and path.stat().st_size > 0 else None
        if not printer.folder.is_dir():
            return None
        # cups-pdf names a file "<title>-job_N.pdf" (Label 2, the PPD's default) or
        # "job_N-<title>.pdf" (Label 1).
        pattern = re.compile(rf"(?:-job_{number}\.pdf|^job_{number}-.*\.pdf)$")
        for path in sorted(printer.folder.iterdir()):
            if pattern.search(path.name) and path not in printer.existing:
                if printer.mode == "system-folder":
                    self._produced.add(path)
                return path
        return None

    def _left_in_system_folders(self) -> set[Path]:
        """Job PDFs this server's printers put into cups-pdf's system folder, waited for or not."""
        left: set[Path] = set()
        for printer in self.printers.values():
            if printer.mode == "system-folder" and printer.folder.is_dir():
                left.update(path for path in printer.folder.iterdir()
                            if path not in printer.existing and _JOB_FILE.search(path.name))
        return left

    def _write_config(self) -> None:
        for directory in (self.server_root, self.log_dir, self.scratch_dir / "spool" / "tmp",
                          self.scratch_dir / "cache", self.scratch_dir / "run",
                          self.pdf_dir / "out", self.pdf_dir / "spool", self.pdf_dir / "gstmp"):
            directory.mkdir(parents=True, exist_ok=True)
        root = self.scratch_dir
        (self.server_root / "cupsd.conf").write_text(f"""\
LogLevel debug
MaxLogSize 0
Listen {HOST}:{self.port}
Browsing No
BrowseLocalProtocols none
WebInterface No
DefaultAuthType None
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  # Inside the policy: cupsd 2.4.2-3+deb12u11 and later refuse these at the top level
  # ("Unknown directive JobPrivateAccess"); every cupsd accepts them here.
  JobPrivateAccess all
  JobPrivateValues none
  SubscriptionPrivateAccess all
  SubscriptionPrivateValues none
  <Limit All>
    Order deny,allow
    Allow all
  </Limit>
</Policy>
""")
        (self.server_root / "cups-files.conf").write_text(f"""\
ServerRoot {self.server_root}
RequestRoot {root / "spool"}
TempDir {root / "spool" / "tmp"}
CacheDir {root / "cache"}
StateDir {root / "run"}
AccessLog {self.log_dir / "access_log"}
ErrorLog {self.log_file}
PageLog {self.log_dir / "page_log"}
Printcap {root / "run" / "printcap"}
SystemGroup root
FileDevice Yes
""")
        if not self.private_cups_pdf:
            # Every server's PDFs land in one shared folder here, named by job number: give each
            # server its own numbers (from its port), or two xdist workers' "KioskPDF-1" collide.
            job_cache = root / "cache" / "job.cache"
            if not job_cache.exists():
                job_cache.write_text(f"NextJobId {self.port * 100 + 1}\n")
        # Read by cups-pdf in place of /etc/cups/cups-pdf.conf (bind-mounted, see the module).
        (self.pdf_dir / "cups-pdf.conf").write_text(f"""\
Out {self.pdf_dir / "out"}
AnonDirName {self.pdf_dir / "out"}
Spool {self.pdf_dir / "spool"}
Log {self.log_dir}
LogType 7
GSTmp {self.pdf_dir / "gstmp"}
Grp lp
""")

    def _check_config(self) -> None:
        """Has the installed cupsd test the written files (``cupsd -t``), so a directive this
        version refuses is reported with cupsd's own words instead of a server that never
        listens."""
        argv = [str(self.cupsd), "-t", "-c", str(self.server_root / "cupsd.conf"),
                "-s", str(self.server_root / "cups-files.conf")]
        env = {key: value for key, value in os.environ.items() if not key.startswith("CUPS_")}
        env["LC_ALL"] = "C"
        checked = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=30,
                                 check=False)
        if checked.returncode != 0:
            said = (checked.stdout + checked.stderr).strip()
            raise CupsServerError(with_log_tails(
                f"cupsd -t refused the configuration written to {self.server_root}:\n{said}",
                self.log_file))

    def _spawn(self) -> None:
        argv = [str(self.cupsd), "-f", "-c", str(self.server_root / "cupsd.conf"),
                "-s", str(self.server_root / "cups-files.conf")]
        if self.private_cups_pdf:
            argv = [str(shutil.which("unshare")), "--mount", "--propagation", "private", "--",
                    "sh", "-c", _MOUNT_AND_EXEC, "kiosk-cups",
                    str(self.pdf_dir / "cups-pdf.conf"), str(SYSTEM_CUPS_PDF_CONF), *argv]
        env = {key: value for key, value in os.environ.items() if not key.startswith("CUPS_")}
        env["LC_ALL"] = "C"
        with (self.log_dir / "cupsd.out").open("ab") as out:
            # Its own session: stop() signals cupsd with its filters, nothing else.
            self._process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                             stderr=subprocess.STDOUT, env=env,
                                             start_new_session=True, cwd=self.scratch_dir)
        (self.scratch_dir / PID_FILE).write_text(f"{self._process.pid}\n")

    def _wait_until_ready(self) -> None:
        def listening() -> bool:
            if not self.running:
                raise CupsServerError(with_log_tails(
                    f"cupsd exited during start-up on port {self.port}",
                    self.log_dir / "cupsd.out", self.log_file))
            with contextlib.suppress(OSError), socket.create_connection(
                    (HOST, self.port), timeout=1):
                return True
            return False

        if not wait_for(listening, START_TIMEOUT):
            raise CupsServerError(with_log_tails(
                f"cupsd did not listen on {self.address} within {START_TIMEOUT} s",
                self.log_file))

    def _kill(self) -> None:
        if self._process is None:
            return
        send_signal(self._process.pid, signal.SIGKILL, group=True)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(timeout=STOP_TIMEOUT)
        self._process = None

    def _require_running(self) -> None:
        if not self.running:
            raise CupsServerError("the CUPS test server is not running")

    @staticmethod
    def _stop_leftover(scratch: Path) -> None:
        try:
            pid = int((scratch / PID_FILE).read_text().strip())
            # Only a process still running this scratch directory's configuration.
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except (OSError, ValueError):
            return
        if str(scratch) in cmdline and pid_alive(pid):
            kill_and_wait(pid, group=True)
