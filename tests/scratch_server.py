"""The groundwork of the tests' throw-away servers (`postgres_server`, `cups_server`).

A `ScratchServer` lives in a scratch directory of its own under the temp dir, marked with the pid
of the test process that owns it, and listens on a free port on 127.0.0.1. Subclasses start and
stop the real server; this module makes, marks and removes the directory, and does so
defensively: ``cleanup()`` is idempotent, an ``atexit`` hook cleans up servers still running
when the interpreter exits, and a new server first reaps the scratch directories of test runs
that were killed outright (their owner no longer exists).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import tempfile
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import ClassVar, Self, TypeVar

__all__ = ["HOST", "OWNER_FILE", "ScratchServer", "free_port", "is_executable", "kill_and_wait",
           "log_tail", "pid_alive", "send_signal", "wait_for", "wait_until_gone",
           "with_log_tails"]

HOST = "127.0.0.1"
OWNER_FILE = "owner.pid"
_LOG_TAIL_LINES = 40
_STALE_UNOWNED_SECONDS = 3600

T = TypeVar("T")


def is_executable(path: Path) -> bool:
    """Whether `path` is a file this process may run."""
    return path.is_file() and os.access(path, os.X_OK)


def free_port() -> int:
    """A TCP port on `HOST` that nobody listens on right now (someone may take it meanwhile)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def pid_alive(pid: int) -> bool:
    """Whether ``pid`` is a live (non-zombie) process."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    # The state field follows the parenthesised command name, which may itself contain spaces.
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def wait_for(probe: Callable[[], T], timeout: float, interval: float = 0.05) -> T | None:
    """The first truthy answer of `probe`, asked until `timeout` seconds have passed, or None."""
    deadline = time.monotonic() + timeout
    while True:
        answer = probe()
        if answer:
            return answer
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)


def wait_until_gone(pid: int, timeout: float) -> bool:
    """Whether process `pid` is gone, or goes within `timeout` seconds."""
    return wait_for(lambda: not pid_alive(pid), timeout) is not None


def send_signal(pid: int, sig: signal.Signals, *, group: bool = False) -> None:
    """Signals a process, or the process group it leads; one already gone is left alone."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if group:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)


def kill_and_wait(pid: int | None, timeout: float = 10.0, *, group: bool = False) -> None:
    """Kills a process (or its process group) and waits up to `timeout` seconds until it is gone."""
    if pid is None:
        return
    send_signal(pid, signal.SIGKILL, group=group)
    wait_until_gone(pid, timeout)


def log_tail(path: Path, lines: int = _LOG_TAIL_LINES) -> str:
    """The last lines of a server's log."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:]) or "(log is empty)"


def with_log_tails(message: str, *logs: Path) -> str:
    """An error message followed by the tail of each log that may say why, each named."""
    return "\n".join([message, *(f"--- tail of {log} ---\n{log_tail(log)}" for log in logs)])


class ScratchServer(ABC):
    """A throw-away server for tests in a scratch directory of its own, on a free port."""

    scratch_prefix: ClassVar[str]  # names the scratch directories of one kind of server
    port: int

    def __init__(self, base_dir: Path | None = None) -> None:
        base = Path(base_dir) if base_dir is not None else Path(tempfile.gettempdir())
        _reap_stale_servers(base, self.scratch_prefix, self._stop_leftover)
        self.scratch_dir = Path(tempfile.mkdtemp(prefix=self.scratch_prefix, dir=base))
        (self.scratch_dir / OWNER_FILE).write_text(f"{os.getpid()}\n")
        _LIVE_SERVERS.add(self)
        self.port = free_port()
        self.startup_seconds: float | None = None

    @property
    @abstractmethod
    def running(self) -> bool:
        """Whether this object started the server and it has not stopped since."""

    @abstractmethod
    def start(self) -> None:
        """Starts the server; a no-op if it is running."""

    @abstractmethod
    def stop(self) -> None:
        """Stops the server; safe to call repeatedly."""

    @staticmethod
    @abstractmethod
    def _stop_leftover(scratch: Path) -> None:
        """Stops a server that a test process which died left running in `scratch`."""

    def cleanup(self) -> None:
        """Stops the server and removes its scratch directory; safe to call repeatedly."""
        try:
            self.stop()
        finally:
            shutil.rmtree(self.scratch_dir, ignore_errors=True)
            _LIVE_SERVERS.discard(self)

    def __enter__(self) -> Self:
        try:
            self.start()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.cleanup()


def _reap_stale_servers(base_dir: Path, prefix: str,
                        stop_leftover: Callable[[Path], None]) -> None:
    """Stops and removes servers left behind by test processes that died without cleaning up."""
    try:
        entries = list(base_dir.glob(f"{prefix}*"))
    except OSError:
        return
    for scratch in entries:
        try:
            owner = int((scratch / OWNER_FILE).read_text().strip())
        except FileNotFoundError:
            # Either being created right now by another process, or ancient debris.
            try:
                stale = time.time() - scratch.stat().st_mtime > _STALE_UNOWNED_SECONDS
            except OSError:
                continue
            if not stale:
                continue
            owner = -1
        except (OSError, ValueError):
            continue
        if owner == os.getpid() or pid_alive(owner):
            continue
        stop_leftover(scratch)
        with contextlib.suppress(OSError):
            shutil.rmtree(scratch)


_LIVE_SERVERS: set[ScratchServer] = set()


@atexit.register
def _cleanup_live_servers() -> None:
    for server in list(_LIVE_SERVERS):
        with contextlib.suppress(Exception):
            server.cleanup()
