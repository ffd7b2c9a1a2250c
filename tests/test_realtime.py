"""Several machines at once, as processes: kiosks submitting while a console watches its queue,
two officers deciding the same case, the database server restarting under a listening console.

Every participant is a real process on a real database (an SQLite file, or PostgreSQL started
from the installed binaries). The console is tests/realtime_console.py: the officer console's
live queue (ui.officer.feed.QueueFeed) without a window, printing what reaches it. Nothing here
asserts anything about speed; the waits are generous and only bound a hang.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from postgres_server import PostgresServer, find_postgres_bin
from psycopg import sql
from sqlalchemy import select
from test_cases import sample_file

from kiosk.answers_file import submit_answers
from kiosk.audit import canonical_json
from kiosk.models import ReviewAction
from kiosk.samples import sample_answers
from kiosk.settings import PROJECT_ROOT
from kiosk.station import Station, open_station
from kiosk.template_store import get_version, publish_shipped_templates, template_of
from kiosk.users import add_user

CONSOLE = Path(__file__).resolve().parent / "realtime_console.py"
TEMPLATES_DIR = PROJECT_ROOT / "templates"
PASSWORD = "s3cret-pass"
WAIT_S = 60  # bounds a hang; never a figure of speed

# A kiosk machine: waits for the go file, then submits its cases one after the other. Even
# numbers: the headless path (an answers file, one transaction, as `kiosk submit`); odd: the
# party's path screen by screen (PartySession, one transaction per screen) up to the signature,
# so the console also sees cases it already shows change their status.
KIOSK_CHILD = r"""
import os, sys, time
from datetime import UTC, datetime
from kiosk.answers_file import read_answers_file, submit_answers
from kiosk.cases import open_case
from kiosk.interview import flatten_answers
from kiosk.party import REVIEW, PartySession
from kiosk.station import open_station
from pathlib import Path

go, answers_path, count = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
station = open_station(upgrade=False)
answers = read_answers_file(answers_path)
print("waiting", file=sys.stderr, flush=True)
while not os.path.exists(go):
    time.sleep(0.005)
for number in range(count):
    if number % 2 == 0:
        case = submit_answers(station, answers, actor="kiosk")
        code, status = case.code, case.status
    else:
        with station.database.session() as session:
            case = open_case(session, station.settings, answers.template, "张三",
                             arrived_at=datetime.now(UTC), arrival_mode="summoned",
                             actor="duty", today=station.today())
            code, start_code = case.code, case.start_code
        party = PartySession.resume(station, start_code)
        party.choose_language("zh")
        party.acknowledge_terms()
        party.acknowledge_rights()
        party.consent(True)
        state = party.confirm_identity(answers.party)
        flat = flatten_answers(state.interview.template, answers.answers)
        while state.position != REVIEW:
            state = party.answer(state.screen.path, flat[state.screen.path])
        party.to_signature()
        png = b"\x89PNG\r\n\x1a\n" + b"0" * 64
        status = party.sign(png, [[(10.0, 20.0, 0), (30.0, 25.0, 40)]]).status
    print(code, status, flush=True)
"""

# An officer's `kiosk review` that waits for the go file once everything before the database
# work is done (imports, the command's parser), so two of them reach the case together.
REVIEW_CHILD = r"""
import os, sys, time
import kiosk.cli
kiosk.cli.build_parser()
print("waiting", file=sys.stderr, flush=True)
go = sys.argv[1]
while not os.path.exists(go):
    time.sleep(0.001)
sys.exit(kiosk.cli.main(sys.argv[2:]))
"""


def run_kiosk(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk.cli", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT)


def answers_json(station: Station, template_id: str = "minor-assault") -> str:
    with station.database.session() as session:
        template = template_of(get_version(session, template_id))
    return canonical_json(sample_answers(template, "zh", today=station.today()))


class Console:
    """tests/realtime_console.py as a process; its lines are collected as they come."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(CONSOLE)], env={**env, "QT_QPA_PLATFORM": "offscreen"},
            cwd=PROJECT_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, bufsize=1)
        self.lines: list[str] = []
        self.errors: list[str] = []
        self._changed = threading.Condition()
        for stream, into in ((self.process.stdout, self.lines), (self.process.stderr, self.errors)):
            threading.Thread(target=self._collect, args=(stream, into), daemon=True).start()

    def _collect(self, stream, into: list[str]) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            with self._changed:
                into.append(line.rstrip("\n"))
                self._changed.notify_all()

    def wait_for(self, test: Callable[[list[str]], bool], what: str,
                 timeout: float = WAIT_S) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not test(self.lines):
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    pytest.fail(f"the console never showed {what}\n{self.transcript()}")
                self._changed.wait(min(left, 0.5))

    def events(self, kind: str) -> list[list[str]]:
        """The lines of one kind, split into words (without the kind)."""
        with self._changed:
            return [line.split()[1:] for line in self.lines if line.split()[:1] == [kind]]

    def codes(self, status: str = "submitted") -> set[str]:
        return {words[0] for words in self.events("case") if words[1] == status}

    def wait_for_codes(self, codes: set[str], status: str = "submitted") -> None:
        self.wait_for(lambda _: codes <= self.codes(status), f"{sorted(codes)} as {status}")

    def wait_ready(self) -> None:
        self.wait_for(lambda _: bool(self.events("ready")), "its first full read")

    def transcript(self) -> str:
        return ("--- console stdout ---\n" + "\n".join(self.lines)
                + "\n--- console stderr ---\n" + "\n".join(self.errors[-60:]))

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()  # the console leaves when its input closes
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(15)


@pytest.fixture
def console_of() -> Iterator[Callable[[dict[str, str]], Console]]:
    consoles: list[Console] = []

    def start(env: dict[str, str]) -> Console:
        consoles.append(Console(env))
        return consoles[-1]

    yield start
    for console in consoles:
        console.close()


def wait_for_line(process: subprocess.Popen[str], text: str, timeout: float = WAIT_S) -> None:
    """Reads a child's standard error until a line with `text` (a child that is ready)."""
    result: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            if text in line:
                result.put(line)
                return
        result.put("")

    threading.Thread(target=read, daemon=True).start()
    try:
        line = result.get(timeout=timeout)
    except queue.Empty:
        line = ""
    if not line:
        process.kill()
        pytest.fail(f"a child process never printed {text!r}")


def finish(process: subprocess.Popen[str], timeout: float = 120) -> tuple[int, str, str]:
    """The rest of a child's output (read from the same file objects) and its exit status."""
    texts: dict[str, str] = {}

    def read(name: str) -> None:
        stream = getattr(process, name)
        texts[name] = stream.read() if stream is not None else ""

    readers = [threading.Thread(target=read, args=(n,), daemon=True)
               for n in ("stdout", "stderr")]
    for reader in readers:
        reader.start()
    try:
        status = process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    for reader in readers:
        reader.join(timeout)
    return status, texts.get("stdout", ""), texts.get("stderr", "")


# -- a. kiosks submitting while the console watches --------------------------------------------

KIOSKS = 5
CASES_PER_KIOSK = 2


def test_every_submission_reaches_a_watching_console(
        station: Station, station_env: dict[str, str], tmp_path: Path,
        console_of: Callable[[dict[str, str]], Console]) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(answers_json(station), "utf-8")
    earlier = submit_answers(station, sample_file(station, "minor-assault"), actor="kiosk").code
    console = console_of(station_env)
    console.wait_ready()
    assert console.codes() == {earlier}  # the first full read

    go = tmp_path / "go"
    kiosks = [subprocess.Popen([sys.executable, "-c", KIOSK_CHILD, str(go), str(answers),
                                str(CASES_PER_KIOSK)], env=station_env, cwd=PROJECT_ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for _ in range(KIOSKS)]
    for kiosk in kiosks:
        wait_for_line(kiosk, "waiting")
    go.touch()  # all of them at once
    submitted: set[str] = set()
    for kiosk in kiosks:
        status, out, err = finish(kiosk)
        assert status == 0, err
        lines = [line.split() for line in out.splitlines()]
        assert len(lines) == CASES_PER_KIOSK and all(s == "submitted" for _, s in lines), out
        submitted |= {code for code, _ in lines}
    assert len(submitted) == KIOSKS * CASES_PER_KIOSK

    console.wait_for_codes(submitted)
    time.sleep(0.5)  # anything else it would still show
    assert console.codes() == submitted | {earlier}, console.transcript()
    # Only the cases walked screen by screen can have shown before their submission (opened,
    # in progress); those submitted in one transaction show as submitted straight away.
    seen_earlier = {words[0] for words in console.events("case") if words[1] != "submitted"}
    assert seen_earlier <= submitted
    assert not console.events("failed"), console.transcript()


# -- b. two officers decide one case at the same moment ----------------------------------------


def test_two_officers_approving_at_once_one_wins(
        station: Station, station_env: dict[str, str], tmp_path: Path) -> None:
    with station.database.session() as session:
        for name in ("legal1", "legal2"):
            add_user(session, name, PASSWORD, ["reviewer"], actor="test")
    code = submit_answers(station, sample_file(station, "minor-assault"), actor="kiosk").code
    assert station.settings.review_chain[0] == "reviewer"

    go = tmp_path / "go"
    officers = {name: subprocess.Popen(
        [sys.executable, "-c", REVIEW_CHILD, str(go), "review", code, "approve", "--as", name],
        env=station_env, cwd=PROJECT_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True) for name in ("legal1", "legal2")}
    for officer in officers.values():
        assert officer.stdin is not None
        officer.stdin.write(PASSWORD + "\n")
        officer.stdin.close()
        wait_for_line(officer, "waiting")
    go.touch()
    results = {}
    for name, officer in officers.items():
        results[name] = finish(officer)

    winners = [name for name, (status, _, _) in results.items() if status == 0]
    assert len(winners) == 1, results
    winner = winners[0]
    loser = next(name for name in results if name != winner)
    status, out, err = results[loser]
    assert status == 1 and out == "", results
    assert "Traceback" not in err, err
    # What the losing officer reads depends on when the other one committed:
    #   - both read the case before either wrote (PostgreSQL, the usual outcome there): the
    #     optimistic lock (lock_version) turns the second write away, and the message says so;
    #   - the winner committed before the loser read the case (always on SQLite, whose writers
    #     queue at BEGIN IMMEDIATE; on PostgreSQL when the loser is a little late): the case is
    #     already at the next level, whose role the loser lacks; the message names who
    #     approved the level the loser meant, and when.
    conflict = "conflict: another officer changed the case at the same moment; look at it again"
    refused = (f"error: {loser} may not approve level 2 (approver): it needs the role "
               f"'approver'. Level 1 was approved by {winner} at ")
    if station.database.dialect == "sqlite":
        assert err.strip().startswith(refused), err
    else:
        assert err.strip() == conflict or err.strip().startswith(refused), err
    assert results[winner][1].strip() == f"{code}: level 1 of 2 approved; next: approver"

    with station.database.session(readonly=True) as session:
        approvals = session.execute(
            select(ReviewAction.actor).where(ReviewAction.action == "approved",
                                             ReviewAction.level == 0)).scalars().all()
    assert approvals == [winner]
    verified = run_kiosk(station_env, "audit", "verify")
    assert verified.returncode == 0 and "audit chain intact" in verified.stdout, verified


# -- c. the database server restarts under a listening console ---------------------------------


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A server of this test alone: it is stopped and restarted under the console."""
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries are not installed (Debian: postgresql)")
    with PostgresServer(bin_dir) as server:
        yield server


@pytest.mark.postgres
def test_console_survives_a_server_restart(
        own_postgres: PostgresServer, tmp_path: Path,
        console_of: Callable[[dict[str, str]], Console]) -> None:
    url = own_postgres.create_database("t_" + uuid.uuid4().hex[:12])
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update({"KIOSK_DATABASE_URL": url, "KIOSK_DATA_DIR": str(tmp_path / "data"),
                "XDG_CONFIG_HOME": str(tmp_path / "config-home")})
    station = open_station(env)
    try:
        with station.database.session() as session:
            publish_shipped_templates(session, TEMPLATES_DIR, actor="test")
        answers = sample_file(station, "minor-assault")

        def submit() -> str:
            return submit_answers(station, answers, actor="kiosk").code

        console = console_of(env)
        console.wait_ready()
        a = submit()
        console.wait_for_codes({a})

        own_postgres.restart()
        console.wait_for(lambda _: len(console.events("connected")) >= 3
                         and console.events("resynced"), "the connection lost and back")
        assert [w[0] for w in console.events("connected")] == ["1", "0", "1"]
        b = submit()
        console.wait_for_codes({b})

        # Only the listening connection is cut, and it cannot come back for a while; the
        # database stays up for the connections already open (the kiosk's, the console's
        # reads). A case submitted meanwhile is announced to no one: the console must find it
        # in the audit chain once its listener is back (the resync), not from a notification.
        name = url.rsplit("/", 1)[1]
        with own_postgres.connect() as admin:
            admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false")
                          .format(sql.Identifier(name)))
            cut = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                "AND query IN ('LISTEN kiosk_changes', 'SELECT 1')", (name,)).fetchall()
        assert cut == [(True,)]
        console.wait_for(lambda _: len(console.events("connected")) >= 4, "the listener lost")
        time.sleep(1)  # the read its last wake-up asked for is done
        d = submit()
        time.sleep(1)
        assert d not in console.codes(), "the case came without its notification"
        with own_postgres.connect() as admin:
            admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true")
                          .format(sql.Identifier(name)))
        console.wait_for_codes({d})
        arrived = next(float(w[2]) for w in console.events("case") if w[0] == d)
        assert float(console.events("resynced")[-1][0]) <= arrived
        assert [w[0] for w in console.events("connected")] == ["1", "0", "1", "0", "1"]

        # Down long enough that the console's next attempt is seconds away; the case submitted
        # right after the start lands while its listener is still disconnected. It comes with
        # a full read: the feed's retry of the reads that failed while the server was down, or
        # the resync, whichever is first (usually the retry, within a second).
        logged = len(console.errors)
        own_postgres.stop()
        console.wait_for(lambda _: any("retrying in 4000 ms" in e
                                       for e in console.errors[logged:]),
                         "a retry four seconds away")
        own_postgres.start()
        c = submit()
        submitted_at = time.time()
        console.wait_for_codes({c})
        console.wait_for(lambda _: len(console.events("connected")) >= 7, "the connection back")
        assert [w[0] for w in console.events("connected")] == ["1", "0", "1", "0", "1", "0", "1"]
        back_at = float(console.events("connected")[-1][1])
        assert back_at > submitted_at, "the listener was back before the case was submitted"
        assert console.codes() == {a, b, c, d}, console.transcript()
    finally:
        station.database.dispose()

