"""Document benchmarks: the whole file of one case, the DOCX + LibreOffice route, a 6-page file.

Prints one line per figure with its target. Figures go in the session notes, never in tests:
nothing here asserts anything about time. The DOCX route needs LibreOffice Writer, docxtpl and
python-docx, which the project does not depend on (see bench/README.md); without them it is
skipped and said so.

    .venv/bin/python bench/documents.py              # all three (about 1-2 minutes)
    .venv/bin/python bench/documents.py --profile    # cProfile the whole file of 10 cases
                                                     # instead of measuring
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from figures import ms, percentile

from kiosk.answers_file import parse_answers_file
from kiosk.audit import canonical_json
from kiosk.cases import find_case, open_case
from kiosk.interview import Interview, Party, flatten_answers, nest_answers
from kiosk.models import Case, User
from kiosk.party import REVIEW, PartySession
from kiosk.review import Decision, approve_level
from kiosk.sample_cases import decide_after_notice, signature_png
from kiosk.samples import SAMPLE_BIRTH_DATE, sample_answers
from kiosk.settings import PROJECT_ROOT
from kiosk.station import Station, open_station, with_settings
from kiosk.template_model import QuestionType, Template
from kiosk.template_store import get_version, publish_shipped_templates, template_of
from kiosk.users import add_user
from printer import mediation, statement
from printer.documents import KINDS, KINDS_BY_NAME, ensure_document
from printer.fonts import register_fonts
from printer.wording import load_wording

# -- settings of the run -------------------------------------------------------------------

TEMPLATE = "minor-assault"
FILE_CASES = 30           # fresh approved cases whose whole file is timed
FILE_WARMUP = 2           # cases rendered before (fonts registered, wordings cached)
DOCX_RUNS = 5             # statements through docxtpl + LibreOffice, on the first of those cases
DOCX_WARMUP = 1
DOCX_TIMEOUT_S = 180
SIX_PAGES = 6
PROFILE_CASES = 10

FILE_TARGET_MS = 150.0
RATIO_TARGET = 20.0
SIX_PAGE_TARGET_KB = 400.0

TEMPLATES_DIR = PROJECT_ROOT / "templates"
DECISION = Decision("fine", "51",
                    "如实陈述，主动赔偿并取得被侵害人谅解", amount=300)
STROKES = [[(10.0, 20.0, 0), (30.0, 25.0, 40), (50.0, 22.0, 90)]]


# -- helpers -------------------------------------------------------------------------------




def line(label: str, value: float, unit: str, target: float | None = None, *,
         at_least: bool = False) -> None:
    """One figure; the target is an upper bound, or a lower bound with `at_least`."""
    if target is None:
        print(f"{label}: {value:.3f} {unit} (no target)")
    else:
        met = value >= target if at_least else value < target
        sign = ">=" if at_least else "<"
        print(f"{label}: {value:.3f} {unit} (target {sign} {target:g} {unit}: "
              f"{'met' if met else 'MISSED'})")
    sys.stdout.flush()


def station_env(tmp: Path) -> dict[str, str]:
    """A station on a fresh SQLite file: no KIOSK_* of the shell leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update({"KIOSK_DATABASE_URL": f"sqlite:///{tmp / 'kiosk.db'}",
                "KIOSK_DATA_DIR": str(tmp / "data")})
    return env


@contextmanager
def sqlite_station(tmp: Path) -> Iterator[Station]:
    # Its cases are entered without the kiosk's recorder, so the station takes them as one
    # whose statements are taken by two officers (recording_required off, PSAPL Art. 97, 108).
    station = with_settings(open_station(station_env(tmp)), recording_required=False)
    try:
        with station.database.session() as session:
            publish_shipped_templates(session, TEMPLATES_DIR, actor="bench")
        yield station
    finally:
        station.database.dispose()


def pdf_pages(path: Path) -> int:
    """The page count as poppler reads it."""
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                         text=True).stdout
    return int(next(x.split()[-1] for x in out.splitlines() if x.startswith("Pages:")))


# -- cases ---------------------------------------------------------------------------------


class Cases:
    """Makes cases the way the kiosk does: the party's screens, the signature, each review level."""

    def __init__(self, station: Station) -> None:
        self.station = station
        with station.database.session() as session:
            self.template: Template = template_of(get_version(session, TEMPLATE))
        sample = parse_answers_file(canonical_json(
            sample_answers(self.template, "zh", today=station.today())))
        self.party = sample.party
        self.answers = sample.answers
        self.png = signature_png()
        self.users: list[User] = []
        with station.database.session() as session:
            for level, role in enumerate(station.settings.review_chain):
                self.users.append(add_user(session, f"bench{level}", "password-bench", [role],
                                           actor="bench"))

    def signed(self, answers: dict[str, Any] | None = None) -> str:
        """A case the party answered and signed (submitted); its code."""
        station = self.station
        flat = flatten_answers(self.template, answers or self.answers)
        with station.database.session() as session:
            start_code = open_case(session, station.settings, TEMPLATE, self.party["name"],
                                   arrived_at=datetime.now(UTC), arrival_mode="summoned",
                                   actor="bench", today=station.today()).start_code
        party = PartySession.resume(station, start_code)
        party.choose_language("zh")
        party.acknowledge_terms()
        party.acknowledge_rights()
        party.consent(True)
        state = party.confirm_identity(self.party)
        for _ in range(len(flat) + 1):
            if state.position == REVIEW:
                break
            state = party.answer(state.position, flat[state.position])
        else:
            raise RuntimeError(f"the interview did not reach the review screen ({state.position})")
        party.to_signature()
        state = party.sign(self.png, STROKES)
        if state.status != "submitted":
            raise RuntimeError(f"the sample case ended as {state.status}, not submitted")
        with station.database.session() as session:
            return session.get(Case, party.case_id).code

    def approved(self) -> str:
        """A signed case through every review level, the decision given at the last."""
        code = self.signed()
        *levels, last = self.users
        for user in levels:
            with self.station.database.session() as session:
                approve_level(session, find_case(session, code), user, self.station.settings)
        # The last level proposes, the party accepts the notice, and it decides (Art. 112).
        decide_after_notice(self.station, code, last, DECISION)
        return code



MEDIATION_KINDS = frozenset({mediation.KIND, mediation.RECORD})
"""Made only for a mediated case (PSAPL Art. 9); the benchmark's cases are decided."""

# -- 1. the whole file of one case ---------------------------------------------------------


def render_file(station: Station, code: str,
                per_kind: dict[str, list[int]] | None) -> tuple[int, int]:
    """Every document of a case that has none yet, in one transaction, as export_documents
    makes them: content, render, store. Returns the nanoseconds of the whole: wall clock, and
    CPU time of this process (what a busy machine does not inflate)."""
    start, cpu = time.perf_counter_ns(), time.process_time_ns()
    with station.database.session() as session:
        case = find_case(session, code)
        for kind in KINDS:
            if kind.name in MEDIATION_KINDS:
                continue  # a decided case was not mediated: the agreement never comes
            begun = time.perf_counter_ns()
            document = ensure_document(session, case, station, kind)
            elapsed = time.perf_counter_ns() - begun
            if document is None:
                raise RuntimeError(f"case {code}: the {kind.name} is not ready")
            if per_kind is not None:
                per_kind[kind.name].append(elapsed)
    return time.perf_counter_ns() - start, time.process_time_ns() - cpu


def stored_file(station: Station, code: str) -> tuple[int, int]:
    """Bytes and pages of the stored documents of a case."""
    from sqlalchemy import select

    from kiosk.models import Document

    with station.database.session(readonly=True) as session:
        case = find_case(session, code)
        rows = session.execute(select(Document.pdf, Document.pages)
                               .where(Document.case_id == case.id)).all()
    return sum(len(pdf) for pdf, _ in rows), sum(pages for _, pages in rows)


def bench_file(station: Station, cases: Cases) -> tuple[list[str], float]:
    """Returns the timed cases and the statement-only median (ms)."""
    for _ in range(FILE_WARMUP):
        render_file(station, cases.approved(), None)
    codes = [cases.approved() for _ in range(FILE_CASES)]
    per_kind: dict[str, list[int]] = {kind.name: [] for kind in KINDS
                                      if kind.name not in MEDIATION_KINDS}
    samples = [render_file(station, code, per_kind) for code in codes]
    values = [ms(wall) for wall, _ in samples]
    sizes = sorted(stored_file(station, code) for code in codes)
    size, pages = sizes[len(sizes) // 2]
    print(f"# whole file of one case: ensure_document for each of the {len(per_kind)} kinds "
          f"({', '.join(per_kind)}) on a fresh approved {TEMPLATE} case, one "
          f"transaction; {FILE_CASES} cases after {FILE_WARMUP} warm-up cases; median case "
          f"{pages} pages, {size / 1024:.1f} KB")
    line("whole file median", statistics.median(values), "ms", FILE_TARGET_MS)
    line("whole file p95", percentile(values, 95), "ms")
    line("whole file median CPU time", statistics.median(ms(cpu) for _, cpu in samples), "ms")
    for name, kind_samples in per_kind.items():
        kind_values = [ms(s) for s in kind_samples]
        print(f"  {name}: median {statistics.median(kind_values):.3f} ms, "
              f"p95 {percentile(kind_values, 95):.3f} ms")
    sys.stdout.flush()
    return codes, statistics.median(ms(s) for s in per_kind[statement.KIND])


# -- 2. the DOCX route ---------------------------------------------------------------------


def docx_route_missing() -> str | None:
    """Why the DOCX route cannot run here, or None."""
    missing = []
    for module in ("docxtpl", "docx"):
        try:
            __import__(module)
        except ImportError:
            missing.append(f"the Python package {'python-docx' if module == 'docx' else module}")
    if shutil.which("libreoffice") is None:
        missing.append("libreoffice (Debian: libreoffice-writer)")
    return ", ".join(missing) or None


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) in a paragraph."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> Any:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    run = paragraph.add_run()
    run._r.append(char("begin"))
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    run._r.append(char("separate"))
    paragraph.add_run("1")
    paragraph.add_run()._r.append(char("end"))


def docx_template(path: Path, font_family: str) -> None:
    """The statement as a .docx template: title, the party's fields, 问/答 in a Jinja loop,
    a footer with the case code and page x of y. Made once with python-docx."""
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Docx()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = section.top_margin = Mm(25)
    section.bottom_margin = Mm(30)
    normal = doc.styles["Normal"]
    normal.font.name = font_family
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font_family)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("询问笔录")
    run.bold, run.font.size = True, Pt(20)
    for text in ("时间：{{ interview.start }} 至 {{ interview.end }}",
                 "地点：{{ station }}",
                 "询问人：________________　　记录人：________________",
                 "被询问人：{{ party.name }}　　性别：{% if party.sex == 'male' %}男"
                 "{% elif party.sex == 'female' %}女{% endif %}"
                 "　　出生日期：{{ party.birth_date }}",
                 "证件种类及号码：{{ party.document }}",
                 "户籍所在地：{{ party.household_registration }}",
                 "现住址：{{ party.address }}",
                 "工作单位：{{ party.employer }}",
                 "联系方式：{{ party.phone }}",
                 "到案方式：{{ arrival.mode }} {{ arrival.at }}",
                 "案由：{{ case_type }}",
                 "{%p for e in entries %}",
                 "{%p if e.heading %}",
                 "{{ e.heading }}",
                 "{%p else %}",
                 "问：{{ e.question }}",
                 "答：{{ e.answer }}",
                 "{%p endif %}",
                 "{%p endfor %}"):
        doc.add_paragraph(text)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("案件编号 {{ case_code }}　　第 ")
    _field(footer, "PAGE")
    footer.add_run(" 页 共 ")
    _field(footer, "NUMPAGES")
    footer.add_run(" 页")
    doc.save(str(path))


def docx_statement(template: Path, content: dict[str, Any], work: Path,
                   profile_dir: Path) -> Path:
    """Fills the template with docxtpl and converts it with LibreOffice; the PDF."""
    from docxtpl import DocxTemplate

    filled = work / f"{content['case_code']}-statement.docx"
    document = DocxTemplate(str(template))
    document.render(content, autoescape=True)
    document.save(str(filled))
    env = {**os.environ, "HOME": str(profile_dir.parent)}
    subprocess.run(["libreoffice", f"-env:UserInstallation={profile_dir.as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(work), str(filled)],
                   check=True, capture_output=True, timeout=DOCX_TIMEOUT_S, env=env)
    pdf = filled.with_suffix(".pdf")
    if not pdf.exists():
        raise RuntimeError(f"LibreOffice made no {pdf.name}")
    return pdf


def bench_docx(station: Station, tmp: Path, codes: list[str], ours_ms: float) -> None:
    missing = docx_route_missing()
    if missing:
        print(f"# DOCX route skipped: needs {missing} (see bench/README.md)")
        return
    work = tmp / "docx"
    work.mkdir()
    profile_dir = tmp / "lo-home" / "lo-profile"  # private: LibreOffice never touches ~
    fonts = register_fonts(station.settings.document_font)
    family = "AR PL UMing CN" if "uming" in fonts.body_file else Path(fonts.body_file).stem
    template = work / "statement-template.docx"
    docx_template(template, family)
    runs = codes[:DOCX_WARMUP + DOCX_RUNS]
    with station.database.session(readonly=True) as session:
        contents = [statement.statement_content(session, find_case(session, code), station)
                    for code in runs]
    samples = []
    for index, content in enumerate(contents):
        start = time.perf_counter_ns()
        pdf = docx_statement(template, content, work, profile_dir)
        elapsed = time.perf_counter_ns() - start
        if index >= DOCX_WARMUP:
            samples.append(elapsed)
    values = [ms(s) for s in samples]
    median = statistics.median(values)
    print(f"# DOCX route, statement only: docxtpl fill of the same statement_content + "
          f"`libreoffice --headless --convert-to pdf` (a new LibreOffice process per case, "
          f"private profile), {DOCX_RUNS} cases after {DOCX_WARMUP} warm-up; last PDF "
          f"{pdf_pages(pdf)} pages, {pdf.stat().st_size / 1024:.1f} KB; "
          f"no QR, no signature image")
    line("DOCX route statement median", median, "ms")
    line("DOCX route / our statement median", median / ours_ms, "x", RATIO_TARGET,
         at_least=True)


# -- 3. a 6-page statement -----------------------------------------------------------------


def chinese_corpus() -> str:
    """Real Chinese prose for long answers: every run of Chinese text in the shipped templates
    (questions, notices, document wording), so the font subset is as varied as a real one."""
    runs: list[str] = []
    for path in sorted(TEMPLATES_DIR.rglob("*.yaml")):
        runs += re.findall(r"[\u4e00-\u9fff，。、；：？！“”（）《》]{4,}",
                           path.read_text(encoding="utf-8"))
    return "".join(runs)


def long_answers(cases: Cases, length: int, corpus: str) -> dict[str, Any]:
    """The sample answers with every shown long-text question answered in `length` characters."""
    template = cases.template
    flat = flatten_answers(template, cases.answers)
    interview = Interview(template, flat, Party(SAMPLE_BIRTH_DATE, "male", "CHN"),
                          cases.station.today(), datetime.now().replace(microsecond=0))
    long_paths = [s.path for s in interview.screens if s.question.type is QuestionType.LONG_TEXT
                  and s.path in flat]
    for number, path in enumerate(long_paths):
        offset = (number * 997) % len(corpus)
        text = (corpus[offset:] + corpus)[:length]
        flat[path] = text
    return nest_answers(template, flat)


def statement_pages(cases: Cases, base: dict[str, Any], answers: dict[str, Any]) -> int:
    """The page count of the statement with these answers (rendered, not stored)."""
    station = cases.station
    flat = flatten_answers(cases.template, answers)
    interview = Interview(cases.template, flat, Party(SAMPLE_BIRTH_DATE, "male", "CHN"),
                          station.today(), datetime.now().replace(microsecond=0))
    content = {**base, "entries": [{"heading": e.heading, "question": e.question,
                                    "answer": e.answer} for e in interview.statement("zh")]}
    kind = KINDS_BY_NAME[statement.KIND]
    wording = load_wording(station.settings.resolved_templates_dir, kind.wording, kind.labels)
    fonts = register_fonts(station.settings.document_font)
    return kind.render(content, wording, fonts, "0" * 64, cases.png)[1]


def bench_six_pages(station: Station, cases: Cases, tmp: Path, base_code: str) -> None:
    corpus = chinese_corpus()
    with station.database.session(readonly=True) as session:
        base = statement.statement_content(session, find_case(session, base_code), station)
    # The longest answers that still fit on six pages: a full sixth page, not a short one.
    low, high = 1, 5000
    while low < high:
        middle = (low + high + 1) // 2
        if statement_pages(cases, base, long_answers(cases, middle, corpus)) <= SIX_PAGES:
            low = middle
        else:
            high = middle - 1
    answers = long_answers(cases, low, corpus)
    code = cases.signed(answers)
    with station.database.session() as session:
        document = ensure_document(session, find_case(session, code), station,
                                   KINDS_BY_NAME[statement.KIND])
        assert document is not None
        pdf, stored_pages = document.pdf, document.pages
    path = tmp / f"{code}-statement.pdf"
    path.write_bytes(pdf)
    pages = pdf_pages(path)
    texts = [v for v in flatten_answers(cases.template, answers).values()
             if isinstance(v, str) and len(v) == low]
    distinct = len(set("".join(texts)))
    print(f"# a {SIX_PAGES}-page statement: {len(texts)} long-text answers of {low} characters "
          f"each ({distinct} distinct characters, prose from the shipped templates), the "
          f"longest that fits on {SIX_PAGES} pages; stored through the kiosk path")
    line("6-page statement size", len(pdf) / 1024, "KB", SIX_PAGE_TARGET_KB)
    print(f"6-page statement pages (pdfinfo): {pages} (stored: {stored_pages})")
    sys.stdout.flush()


# -- profiling -----------------------------------------------------------------------------


def profile(tmp: Path) -> None:
    """cProfile of the whole file of PROFILE_CASES cases, after the warm-up."""
    with sqlite_station(tmp) as station:
        cases = Cases(station)
        for _ in range(FILE_WARMUP):
            render_file(station, cases.approved(), None)
        codes = [cases.approved() for _ in range(PROFILE_CASES)]
        profiler = cProfile.Profile()
        start = time.perf_counter_ns()
        profiler.enable()
        for code in codes:
            render_file(station, code, None)
        profiler.disable()
        print(f"# profile of the whole file of {PROFILE_CASES} cases: "
              f"{ms(time.perf_counter_ns() - start):.0f} ms under cProfile")
        for key in ("cumulative", "tottime"):
            buffer = io.StringIO()
            pstats.Stats(profiler, stream=buffer).strip_dirs().sort_stats(key).print_stats(30)
            print(buffer.getvalue())


# -- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true",
                        help="run the whole file under cProfile instead of measuring")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as name:
        tmp = Path(name)
        # No station file of this machine (found through XDG_CONFIG_HOME) leaks in.
        os.environ["XDG_CONFIG_HOME"] = str(tmp / "config-home")
        os.environ["XDG_DATA_HOME"] = str(tmp / "data-home")
        if args.profile:
            profile(tmp)
            return
        began = time.perf_counter()
        load = os.getloadavg()[0]
        print(f"# kiosk document benchmarks, Python {sys.version.split()[0]}, "
              f"{datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs, load {load:.2f}")
        if load > (os.cpu_count() or 1) / 2:
            print("# note: the machine is busy; tail figures (p95) will be inflated")
        with sqlite_station(tmp) as station:
            cases = Cases(station)
            codes, statement_ms = bench_file(station, cases)
            bench_docx(station, tmp, codes, statement_ms)
            bench_six_pages(station, cases, tmp, codes[0])
        print(f"# total {time.perf_counter() - began:.1f} s, load now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
