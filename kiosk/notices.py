"""The notices of the fixed steps (fast-track terms, rights): wording from templates/documents/."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ruamel.yaml.error import YAMLError

from kiosk.template_loader import (
    LANGUAGE_RE,
    REQUIRED_LANGUAGES,
    SLUG_RE,
    TemplateInvalid,
    TemplateProblem,
    YamlReader,
    _line_of,
    _yaml,
)
from kiosk.template_model import Text, text_in

NOTICE_KEYS = {"id", "version", "languages", "title", "paragraphs", "acknowledgement"}
TERMS = "fast-track-terms"
RIGHTS = "rights-notice"


@dataclass(frozen=True)
class Notice:
    """One notice the party reads, hears and confirms."""

    id: str
    version: int
    languages: tuple[str, ...]
    title: Text
    paragraphs: tuple[Text, ...]
    acknowledgement: Text

    def text(self, language: str) -> str:
        """The whole notice as one text, for reading aloud."""
        parts = [text_in(self.title, language)]
        parts += [text_in(p, language) for p in self.paragraphs]
        return "\n".join(parts)


def parse_notice(source: str, filename: str) -> Notice:
    """Parses and validates a notice file; raises TemplateInvalid naming file and line."""
    try:
        root = _yaml().load(source)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise TemplateInvalid([TemplateProblem(filename, mark.line + 1 if mark else None, None,
                                               f"not valid YAML: {exc}")]) from exc
    reader = YamlReader(filename)
    if not reader.keys(root, NOTICE_KEYS, NOTICE_KEYS, "the notice"):
        raise TemplateInvalid(reader.problems)
    notice_id = reader.identifier(root, "notice", SLUG_RE)
    if Path(filename).suffix == ".yaml" and Path(filename).stem != notice_id:
        reader.problem(_line_of(root, "id"), f"id '{notice_id}' must match the file name")
    version = root.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        reader.problem(_line_of(root, "version"), "'version' must be a whole number >= 1")
    languages = root.get("languages")
    if (not isinstance(languages, list)
            or not all(isinstance(x, str) and LANGUAGE_RE.match(x) for x in languages)
            or not set(REQUIRED_LANGUAGES) <= set(languages)):
        reader.problem(_line_of(root, "languages"), "'languages' must list zh and en at least")
    else:
        reader.languages = tuple(languages)
    title = reader.text(root, "title", None)
    acknowledgement = reader.text(root, "acknowledgement", None)
    paragraphs: list[Text] = []
    raw = root.get("paragraphs")
    if not isinstance(raw, list) or not raw:
        reader.problem(_line_of(root, "paragraphs"), "'paragraphs' must be a non-empty list")
    else:
        for index, item in enumerate(raw):
            text = reader.text_value(item, _line_of(raw, index), f"paragraph {index + 1}", None)
            if text is not None:
                paragraphs.append(text)
    if reader.problems:
        raise TemplateInvalid(reader.problems)
    assert title is not None and acknowledgement is not None
    return Notice(notice_id, version, reader.languages, title, tuple(paragraphs),
                  acknowledgement)


@lru_cache(maxsize=16)
def load_notice(templates_dir: Path, notice_id: str) -> Notice:
    path = templates_dir / "documents" / f"{notice_id}.yaml"
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateInvalid([TemplateProblem(str(path), None, None,
                                               f"cannot be read: {exc}")]) from exc
    return parse_notice(source, str(path))
