"""Wording of the printed documents, as data in templates/documents/ (a station adapts it)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from kiosk.rendering import render_text
from kiosk.template_loader import (
    SLUG_RE,
    TemplateInvalid,
    TemplateProblem,
    YamlReader,
    _line_of,
    _yaml,
    read_template_source,
)
from kiosk.template_model import Text, text_in

WORDING_KEYS = {"id", "version", "languages", "title", "labels"}


@dataclass(frozen=True)
class Wording:
    """A document's title and labels in each language."""

    id: str
    version: int
    title: Text
    labels: dict[str, Text]

    def label(self, key: str, language: str, **values: object) -> str:
        text = text_in(self.labels[key], language)
        return render_text(text, {k: str(v) for k, v in values.items()})


def parse_wording(source: str, filename: str, required: frozenset[str]) -> Wording:
    """Validates a wording file; every label the document uses must be there in each language."""
    root = _yaml().load(source)
    reader = YamlReader(filename)
    if not reader.keys(root, WORDING_KEYS, WORDING_KEYS, "the document wording"):
        raise TemplateInvalid(reader.problems)
    reader.identifier(root, "document", SLUG_RE)
    languages = root.get("languages")
    if isinstance(languages, list) and all(isinstance(x, str) for x in languages):
        reader.languages = tuple(languages)
    title = reader.text(root, "title", None)
    raw = root.get("labels")
    labels: dict[str, Text] = {}
    if not isinstance(raw, CommentedMap):
        reader.problem(_line_of(root, "labels"), "'labels' must map label names to texts")
    else:
        for key in raw:
            if key not in required:
                reader.problem(_line_of(raw, key), f"unknown label '{key}'")
            text = reader.text(raw, key, None)
            if text is not None:
                labels[key] = text
        for key in sorted(required - set(raw)):
            reader.problem(_line_of(root, "labels"), f"the label '{key}' is missing")
    version = root.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        reader.problem(_line_of(root, "version"), "'version' must be a whole number")
    if reader.problems or title is None:
        raise TemplateInvalid(reader.problems or [TemplateProblem(filename, None, None,
                                                                  "no title")])
    return Wording(str(root["id"]), int(version), title, labels)


@lru_cache(maxsize=16)
def load_wording(templates_dir: Path, document_id: str, required: frozenset[str]) -> Wording:
    path = templates_dir / "documents" / f"{document_id}.yaml"
    return parse_wording(read_template_source(path), str(path), required)
