"""Start a throw-away PostgreSQL server from the installed binaries so tests hit a real database.

Typical use (e.g. from a session-scoped fixture)::

    bin_dir = find_postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries are not installed")
    with PostgresServer(bin_dir) as server:
        url = server.create_database("kiosk_test")
        engine = sqlalchemy.create_engine(url)
        ...

Each server lives in its own scratch directory (data directory, unix socket directory and
``server.log``) under the temp dir and listens on a free TCP port on 127.0.0.1 with ``trust``
authentication for the ``postgres`` superuser.  When the tests run as root the server binaries
are run as the ``postgres`` system user (PostgreSQL refuses to run as root).

Clean-up is defensive (see `scratch_server`): ``stop()`` is idempotent, every server still
running when the interpreter exits is stopped by an ``atexit`` hook, and a new server reaps those
left behind by test runs that were killed outright (their owning process no longer exists).
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql
from scratch_server import (
    HOST,
    OWNER_FILE,
    ScratchServer,
    free_port,
    is_executable,
    kill_and_wait,
    pid_alive,
    send_signal,
    wait_until_gone,
    with_log_tails,
)

__all__ = ["PostgresServer", "PostgresServerError", "find_postgres_bin"]

SUPERUSER = "postgres"
START_TIMEOUT = 60
STOP_TIMEOUT = 30
_PG_BIN_ROOT = Path("/usr/lib/postgresql")

# Environment variables that would make the client tools talk to some other cluster.
_PG_ENV_VARS = (
    "PGDATA",
    "PGHOST",
    "PGHOSTADDR",
    "PGPORT",
    "PGUSER",
    "PGDATABASE",
    "PGPASSWORD",
    "PGSERVICE",
    "PGOPTIONS",
    "PGSSLMODE",
    "PGCLUSTER",
)


class PostgresServerError(RuntimeError):
    """Raised when the test PostgreSQL server cannot be set up, started or stopped."""


def find_postgres_bin() -> Path | None:
    """Return the directory holding the PostgreSQL server binaries, or None if not installed.

    Prefers the highest version under ``/usr/lib/postgresql/*/bin`` (Debian/Ubuntu layout),
    then the directory of an ``initdb`` found on ``PATH``.
    """
    candidates: list[tuple[tuple[int, ...], Path]] = []
    if _PG_BIN_ROOT.is_dir():
        for bin_dir in _PG_BIN_ROOT.glob("*/bin"):
            if is_executable(bin_dir / "initdb") and is_executable(bin_dir / "pg_ctl"):
                version = tuple(int(part) for part in re.findall(r"\d+", bin_dir.parent.name))
                candidates.append((version, bin_dir))
    if candidates:
        return max(candidates)[1]
    initdb = shutil.which("initdb")
    if initdb is not None:
        bin_dir = Path(initdb).resolve().parent
        if is_executable(bin_dir / "pg_ctl"):
            return bin_dir
    return None


def _read_from(path: Path, offset: int) -> str:
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            return fh.read().decode(errors="replace")
    except OSError:
        return ""


@functools.cache
def _pick_locale() -> str:
    """C.UTF-8 if the C library provides it (proper character classes for Chinese), else C."""
    try:
        out = subprocess.run(
            ["locale", "-a"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "C"
    names = {name.strip().lower().replace("-", "") for name in out.splitlines()}
    return "C.UTF-8" if "c.utf8" in names else "C"


class PostgresServer(ScratchServer):
    """A throw-away PostgreSQL server for tests."""

    scratch_prefix = "kiosk-pg-"
    data_dir: Path

    def __init__(self, bin_dir: Path | None = None, base_dir: Path | None = None) -> None:
        found = bin_dir if bin_dir is not None else find_postgres_bin()
        if found is None:
            raise PostgresServerError("PostgreSQL server binaries (initdb, pg_ctl) not found")
        self.bin_dir = Path(found)
        self._as_root = os.geteuid() == 0
        super().__init__(base_dir)
        self.data_dir = self.scratch_dir / "data"
        self.socket_dir = self.scratch_dir / "sock"
        self.log_file = self.scratch_dir / "server.log"
        self._running = False
        try:
            self.socket_dir.mkdir()
            if self._as_root:
                self._hand_over_to_postgres_user()
        except BaseException:
            self.cleanup()
            raise

    # ----------------------------------------------------------------------------- lifecycle

    @property
    def running(self) -> bool:
        """Whether this object started the server and has not stopped it since."""
        return self._running

    def start(self) -> None:
        """Initialise the cluster on first use and start the server; a no-op if running."""
        if self._running:
            return
        if not self.scratch_dir.is_dir():
            raise PostgresServerError(f"{self.scratch_dir} was removed; create a new server")
        began = time.monotonic()
        if not (self.data_dir / "PG_VERSION").is_file():
            self._initdb()
        first_start = self.startup_seconds is None
        # A freshly picked port may be grabbed by someone else before the server binds it; on
        # the very first start pick another one.  restart() must keep its port, so no retry.
        attempts = 3 if first_start else 1
        for attempt in range(attempts):
            log_offset = self.log_file.stat().st_size if self.log_file.exists() else 0
            self._running = True  # from here on stop() must try to clean up
            result = self._pg_ctl_start()
            if result.returncode == 0:
                break
            failure = with_log_tails(
                f"pg_ctl start failed (exit {result.returncode}) on port {self.port}:\n"
                f"{result.stdout}{result.stderr}",
                self.log_file,
            )
            this_attempt = _read_from(self.log_file, log_offset)
            try:
                self._force_stop()
            finally:
                self._running = False
            if attempt + 1 < attempts and "could not bind" in this_attempt:
                self.port = free_port()
                continue
            raise PostgresServerError(failure)
        if first_start:
            self.startup_seconds = time.monotonic() - began

    def stop(self) -> None:
        """Stop the server (fast shutdown, escalating to a kill); safe to call repeatedly."""
        if not self._running:
            return
        try:
            result = self._run_pg(
                "pg_ctl",
                "-D",
                str(self.data_dir),
                "-m",
                "fast",
                "-w",
                "-t",
                str(STOP_TIMEOUT),
                "stop",
                timeout=STOP_TIMEOUT + 15,
            )
            if result.returncode != 0 or _live_postmaster(self.data_dir) is not None:
                self._force_stop()
        except (OSError, subprocess.SubprocessError):
            self._force_stop()
        finally:
            self._running = False

    def restart(self) -> None:
        """Stop and start again on the same port and data directory."""
        self.stop()
        self.start()

    def __repr__(self) -> str:
        state = "running" if self._running else "stopped"
        return f"<PostgresServer {HOST}:{self.port} {state} data={self.data_dir}>"

    # ----------------------------------------------------------------------------- databases

    def url(self, name: str) -> str:
        """SQLAlchemy URL (psycopg 3 driver) for database ``name`` on this server."""
        return f"postgresql+psycopg://{SUPERUSER}@{HOST}:{self.port}/{quote(name, safe='')}"

    def connect(self, dbname: str = "postgres") -> psycopg.Connection:
        """An autocommit psycopg connection to ``dbname`` as the superuser."""
        return psycopg.connect(
            host=HOST,
            port=self.port,
            user=SUPERUSER,
            dbname=dbname,
            autocommit=True,
            connect_timeout=10,
        )

    def create_database(self, name: str, template: str = "template0") -> str:
        """Create database ``name`` (UTF8) and return its SQLAlchemy URL.

        ``template`` names a database to copy (it must have no one connected): a test's copy of
        a seeded database costs a file copy on the server, not the migrations and inserts again.
        """
        self._require_running()
        with self.connect() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop database ``name`` if it exists, disconnecting any clients still using it."""
        self._require_running()
        with self.connect() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    # ----------------------------------------------------------------------------- internals

    def _require_running(self) -> None:
        if not self._running:
            raise PostgresServerError("the PostgreSQL test server is not running")

    def _hand_over_to_postgres_user(self) -> None:
        import pwd

        try:
            entry = pwd.getpwnam(SUPERUSER)
        except KeyError:
            raise PostgresServerError(
                f"running as root but there is no {SUPERUSER!r} system user to run the server"
            ) from None
        for path in (self.scratch_dir, self.socket_dir, self.scratch_dir / OWNER_FILE):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        probe = self._run_pg(
            "test",
            "-w",
            str(self.scratch_dir),
            "-a",
            "-x",
            str(self.scratch_dir),
            timeout=30,
            program_is_path=False,
        )
        if probe.returncode != 0:
            raise PostgresServerError(
                f"user {SUPERUSER!r} cannot reach {self.scratch_dir}; every parent directory "
                "must be traversable by it (point TMPDIR or base_dir somewhere else)"
            )

    def _initdb(self) -> None:
        result = self._run_pg(
            "initdb",
            "-D",
            str(self.data_dir),
            "--auth=trust",
            f"-U{SUPERUSER}",
            "--encoding=UTF8",
            f"--locale={_pick_locale()}",
            "--no-sync",
            "--no-instructions",
            timeout=120,
        )
        if result.returncode != 0:
            raise PostgresServerError(
                f"initdb failed (exit {result.returncode}):\n{result.stdout}{result.stderr}"
            )

    def _pg_ctl_start(self) -> subprocess.CompletedProcess[str]:
        options = " ".join(
            [
                f"-p {self.port}",
                f"-k {shlex.quote(str(self.socket_dir))}",
                f"-c listen_addresses={HOST}",
                "-c fsync=off",
                "-c max_connections=200",
            ]
        )
        return self._run_pg(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-w",
            "-t",
            str(START_TIMEOUT),
            "-o",
            options,
            "start",
            timeout=START_TIMEOUT + 30,
        )

    @staticmethod
    def _stop_leftover(scratch: Path) -> None:
        pid = _live_postmaster(scratch / "data")
        if pid is None:
            return
        send_signal(pid, signal.SIGQUIT)  # immediate shutdown of postmaster and backends
        if not wait_until_gone(pid, 10):
            kill_and_wait(pid)

    def _force_stop(self) -> None:
        """Immediate shutdown, then SIGKILL the postmaster if it is still around."""
        if _live_postmaster(self.data_dir) is None:
            return
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            self._run_pg(
                "pg_ctl",
                "-D",
                str(self.data_dir),
                "-m",
                "immediate",
                "-w",
                "-t",
                "15",
                "stop",
                timeout=30,
            )
        kill_and_wait(_live_postmaster(self.data_dir))

    def _run_pg(
        self, program: str, *args: str, timeout: float, program_is_path: bool = True
    ) -> subprocess.CompletedProcess[str]:
        exe = str(self.bin_dir / program) if program_is_path else program
        return _run_as_server_user(
            [exe, *args], cwd=self.scratch_dir, timeout=timeout, as_root=self._as_root
        )


def _live_postmaster(data_dir: Path) -> int | None:
    """The pid in ``postmaster.pid`` of a cluster if that process is still alive."""
    try:
        pid = int((data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None
    return pid if pid_alive(pid) else None


def _server_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _PG_ENV_VARS}
    env["LC_ALL"] = "C"  # English messages in logs and errors
    env.pop("LANGUAGE", None)
    return env


def _run_as_server_user(
    argv: list[str], *, cwd: Path, timeout: float, as_root: bool
) -> subprocess.CompletedProcess[str]:
    """Run ``argv``, as the ``postgres`` user when we are root (the server refuses root)."""
    runuser = None
    if as_root:
        runuser = shutil.which("runuser") or next(
            (p for p in ("/usr/sbin/runuser", "/sbin/runuser") if os.access(p, os.X_OK)), None
        )
        if runuser is not None:
            argv = [runuser, "-u", SUPERUSER, "--", *argv]
    drops_privileges = as_root and runuser is None  # no util-linux: let Python drop them
    # cwd must be readable by the server user: the tools call getcwd() and fail under /root.
    return subprocess.run(
        argv,
        cwd=cwd,
        env=_server_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
        user=SUPERUSER if drops_privileges else None,
        group=SUPERUSER if drops_privileges else None,
        extra_groups=[] if drops_privileges else None,
    )
