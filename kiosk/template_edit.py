"""Editing a template's YAML as a tree, without losing what the admin did not touch.

The template editor changes a ruamel round-trip tree: comments, key order and formatting of the
parts not edited stay exactly as written, so an exported template reads like the file it came
from. Nodes are addressed by their path in the tree, e.g. ("sections", 2, "questions", 5);
the loader (kiosk/template_loader.py) remains the one judge of what is valid, and its problems
are mapped back to a node and a field with `locate`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from kiosk.template_loader import TemplateProblem, _yaml, question_keys
from kiosk.template_model import QuestionType

Path = tuple[str | int, ...]
ELIGIBILITY: Path = ("eligibility",)
SECTIONS: Path = ("sections",)
TEXT_KEYS = ("prompt", "help", "read_aloud", "constraint_message", "item_label", "title")
EXPRESSION_KEYS = ("show_if", "constraint", "repeat_count", "when", "calculation")
NUMBER_KEYS = ("min", "max", "max_items")
EXCLUSIONS: Path = ("exclusions",)
# The statement wording a new question starts with (templates/README.md, `statement`): the
# answer as a sentence, and for a yes/no question the whole answer for each. The question itself
# is left to default to the prompt, so it follows the prompt as the admin writes it.
DEFAULT_ANSWER = {"zh": "{answer}。", "en": "{answer}."}
DEFAULT_YES = {"zh": "是。", "en": "Yes."}
DEFAULT_NO = {"zh": "否。", "en": "No."}
# Types with no printed answer of their own: a group prints its members, a calculated value
# is never printed by itself.
UNPRINTED = (QuestionType.GROUP, QuestionType.CALCULATE)


class EditError(ValueError):
    """An edit that cannot be made (an id in use, a move across lists); the message says why."""


@dataclass(frozen=True)
class OutlineItem:
    """One line of the editor's tree: a section, a question (group members nested), ..."""

    kind: str  # "eligibility", "section", "question", "exclusions", "exclusion"
    path: Path
    id: str
    title: dict[str, str]
    children: tuple[OutlineItem, ...] = ()


def _document_yaml() -> YAML:
    """The loader's YAML, writing back in the shipped templates' layout (templates/README.md)."""
    yaml = _yaml()
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never re-wrap a line the admin wrote
    return yaml


def _text(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


class TemplateDocument:
    """A template's YAML, editable node by node; `source()` writes it back."""

    def __init__(self, source: str) -> None:
        self.root = _document_yaml().load(source)
        if not isinstance(self.root, CommentedMap):
            raise EditError("a template must be a mapping of keys to values")
        self._spans_of: str | None = None  # the text `_spans` was read from
        self._spans: list[tuple[int, int, Path]] = []

    def source(self) -> str:
        out = io.StringIO()
        _document_yaml().dump(self.root, out)
        return out.getvalue()

    @property
    def languages(self) -> list[str]:
        return [str(x) for x in self.root.get("languages", [])]

    # -- finding nodes -------------------------------------------------------------------

    def node(self, path: Path) -> Any:
        node: Any = self.root
        for step in path:
            node = node[step]
        return node

    def outline(self) -> list[OutlineItem]:
        items = [OutlineItem("eligibility", ELIGIBILITY, "eligibility", {},
                             tuple(self._questions(ELIGIBILITY)))]
        for index, section in enumerate(self.root.get("sections") or []):
            path = (*SECTIONS, index)
            items.append(OutlineItem("section", path, str(section.get("id", "")),
                                     _text(section.get("title")),
                                     tuple(self._questions((*path, "questions")))))
        exclusions = [OutlineItem("exclusion", ("exclusions", i), str(e.get("id", "")),
                                  _text(e.get("reason")))
                      for i, e in enumerate(self.root.get("exclusions") or [])]
        items.append(OutlineItem("exclusions", ("exclusions",), "exclusions", {},
                                 tuple(exclusions)))
        return items

    def _questions(self, list_path: Path) -> Iterator[OutlineItem]:
        try:
            questions = self.node(list_path)
        except (KeyError, IndexError, TypeError):
            return
        for index, question in enumerate(questions or []):
            path = (*list_path, index)
            children: tuple[OutlineItem, ...] = ()
            if question.get("type") == QuestionType.GROUP:
                children = tuple(self._questions((*path, "questions")))
            yield OutlineItem("question", path, str(question.get("id", "")),
                              _text(question.get("prompt")), children)

    def ids(self) -> set[str]:
        """Every question id in use (groups' members included)."""
        found: set[str] = set()

        def walk(items: list[OutlineItem] | tuple[OutlineItem, ...]) -> None:
            for item in items:
                if item.kind == "question":
                    found.add(item.id)
                walk(item.children)

        walk(self.outline())
        return found

    def path_of(self, question_id: str) -> Path | None:
        def walk(items: list[OutlineItem] | tuple[OutlineItem, ...]) -> Path | None:
            for item in items:
                if item.kind in ("question", "section", "exclusion") and item.id == question_id:
                    return item.path
                found = walk(item.children)
                if found is not None:
                    return found
            return None

        return walk(self.outline())

    # -- fields ------------------------------------------------------------------------------

    def get(self, path: Path, key: str) -> Any:
        return self.node(path).get(key)

    def set(self, path: Path, key: str, value: Any) -> None:
        """Sets a field; None, "" and {} remove it (an optional field left empty)."""
        node = self.node(path)
        if value is None or value == "" or value == {}:
            if key in node:
                del node[key]
            return
        node[key] = value

    def text(self, path: Path, key: str) -> dict[str, str]:
        """A text field by language; empty where the field, or the mapping holding it (a
        question's `statement` not written yet), is absent."""
        try:
            node = self.node(path)
        except (KeyError, IndexError, TypeError):
            return {}
        return _text(node.get(key)) if isinstance(node, dict) else {}

    def set_text(self, path: Path, key: str, language: str, value: str) -> None:
        """One language of a text field; the other languages stay as they are. A mapping that
        holds texts (a question's `statement`) is made when its first text is written, and
        removed with its last."""
        parent_key = path[-1] if path else None
        if isinstance(parent_key, str) and not isinstance(self.node(path[:-1]).get(parent_key),
                                                          CommentedMap):
            if not value.strip():
                return
            self.node(path[:-1])[parent_key] = CommentedMap()
        node = self.node(path)
        current = node.get(key)
        if not isinstance(current, CommentedMap):
            current = CommentedMap()
            current.fa.set_flow_style()
        if value.strip():
            current[language] = value
        elif language in current:
            del current[language]
        if current:
            node[key] = current
        elif key in node:
            del node[key]
        if isinstance(parent_key, str) and not node:
            del self.node(path[:-1])[parent_key]  # an empty statement is no statement

    def set_number(self, path: Path, key: str, typed: str) -> None:
        """A number field (min, max, max_items) stored as a number; what is not a number is
        stored as typed, so nothing typed is lost and the check says what is wrong."""
        self.set(path, key, as_number(typed))

    def missing_translations(self, path: Path, key: str) -> list[str]:
        """The template's languages a (non-empty) text field lacks."""
        text = self.text(path, key)
        if not text:
            return []
        return [lang for lang in self.languages if not text.get(lang, "").strip()]

    # -- structure ---------------------------------------------------------------------------

    def _list(self, list_path: Path) -> CommentedSeq:
        parent = self.node(list_path[:-1])
        key = list_path[-1]
        if parent.get(key) is None:
            parent[key] = CommentedSeq()
        return parent[key]

    def add_question(self, list_path: Path, question_id: str, kind: QuestionType,
                     position: int | None = None) -> Path:
        """A new question with its required keys (texts empty, to be written)."""
        if question_id in self.ids():
            raise EditError(f"the id '{question_id}' is already used by another question")
        if not re.fullmatch(r"[a-z][a-z0-9_]*", question_id):
            raise EditError(f"'{question_id}' is not a valid id: lower-case letters, digits "
                            f"and _, starting with a letter")
        questions = self._list(list_path)
        question = CommentedMap()
        question["id"] = question_id
        question["type"] = kind.value
        self._fill_required(question, kind)
        self._fill_statement(question, kind)
        index = len(questions) if position is None else position
        questions.insert(index, question)
        return (*list_path, index)

    def fill_statement(self, path: Path) -> None:
        """The default statement wording for the question at `path`, if it has none."""
        node = self.node(path)
        self._fill_statement(node, QuestionType(node.get("type")))

    def _fill_statement(self, question: CommentedMap, kind: QuestionType) -> None:
        """The default statement wording of a question printed in the record, where it has
        none: the answer as a sentence ("答：是。", not a bare "答：是")."""
        if kind in UNPRINTED or "statement" in question:
            return
        statement = CommentedMap()
        wordings = {"yes": DEFAULT_YES, "no": DEFAULT_NO} if kind is QuestionType.YES_NO \
            else {"answer": DEFAULT_ANSWER}
        for key, wording in wordings.items():
            text = self._empty_text()
            for language in self.languages:
                text[language] = wording.get(language, wording["en"])
            statement[key] = text
        question["statement"] = statement

    def add_exclusion(self, exclusion_id: str, position: int | None = None) -> Path:
        """A new exclusion: its condition (`when`) and reason are to be written."""
        exclusions = self._list(EXCLUSIONS)
        if any(e.get("id") == exclusion_id for e in exclusions):
            raise EditError(f"the exclusion id '{exclusion_id}' is already used")
        if not re.fullmatch(r"[a-z][a-z0-9_]*", exclusion_id):
            raise EditError(f"'{exclusion_id}' is not a valid id: lower-case letters, digits "
                            f"and _, starting with a letter")
        exclusion = CommentedMap()
        exclusion["id"] = exclusion_id
        exclusion["when"] = ""
        exclusion["reason"] = self._empty_text()
        index = len(exclusions) if position is None else position
        exclusions.insert(index, exclusion)
        return (*EXCLUSIONS, index)

    def retype(self, path: Path, kind: QuestionType) -> None:
        """Changes a question's type. Keys the new type cannot have are removed (they would only
        be reported as unknown), and the keys it needs are added, empty."""
        node = self.node(path)
        node["type"] = kind.value
        allowed, required = question_keys(kind)
        for key in [k for k in node if k not in allowed
                    or (k not in required and node[k] in ({}, []))]:  # empty, to be written
            del node[key]
        statement = node.get("statement")
        if isinstance(statement, CommentedMap) and kind is not QuestionType.YES_NO:
            for key in ("yes", "no"):  # only a yes/no question has them
                statement.pop(key, None)
            if not statement:
                del node["statement"]
        self._fill_required(node, kind)
        self._fill_statement(node, kind)

    def retype_drops(self, path: Path, kind: QuestionType) -> dict[str, int]:
        """The lists `retype` would remove, with how many items each holds ("questions" of a
        group, "choices"): what to ask about before changing the type."""
        node = self.node(path)
        allowed, _ = question_keys(kind)
        return {key: len(node[key]) for key in ("questions", "choices")
                if key in node and key not in allowed and node[key]}

    def _fill_required(self, question: CommentedMap, kind: QuestionType) -> None:
        """The keys a question of this type needs, where missing: texts empty, to be written."""
        _, required = question_keys(kind)
        empty: dict[str, Any] = {
            "prompt": self._empty_text, "item_label": self._empty_text,
            "choices": CommentedSeq, "questions": CommentedSeq,
            "repeat_count": lambda: "1",
            "calculation": lambda: "0",  # valid from the start; the admin writes the real one
        }
        for key, make in empty.items():
            if key in required and key not in question:
                question[key] = make()

    def add_section(self, section_id: str, position: int | None = None) -> Path:
        sections = self._list(SECTIONS)
        if any(s.get("id") == section_id for s in sections):
            raise EditError(f"the section id '{section_id}' is already used")
        section = CommentedMap()
        section["id"] = section_id
        section["title"] = self._empty_text()
        section["questions"] = CommentedSeq()
        index = len(sections) if position is None else position
        sections.insert(index, section)
        return (*SECTIONS, index)

    def _empty_text(self) -> CommentedMap:
        text = CommentedMap()
        text.fa.set_flow_style()
        return text

    def remove(self, path: Path) -> None:
        """Removes a question, a section or an exclusion; an emptied exclusion list goes."""
        items = self._list(path[:-1])
        del items[int(path[-1])]
        if tuple(path[:-1]) == EXCLUSIONS and not items:
            del self.root["exclusions"]

    def move(self, path: Path, new_index: int) -> Path:
        """Reorders within the same list (a question stays in its section or group)."""
        items = self._list(path[:-1])
        index = int(path[-1])
        if not 0 <= new_index < len(items):
            raise EditError("there is nothing to move past there")
        item = items.pop(index)
        items.insert(new_index, item)
        return (*path[:-1], new_index)

    def choices(self, path: Path) -> list[tuple[str, dict[str, str]]]:
        return [(str(c.get("id", "")), _text(c.get("label")))
                for c in self.node(path).get("choices") or []]

    def set_choices(self, path: Path, choices: list[tuple[str, dict[str, str]]]) -> None:
        """The choices in order, keeping each kept choice's other keys (its statement wording)."""
        node = self.node(path)
        old = {str(c.get("id")): c for c in node.get("choices") or []}
        new = CommentedSeq()
        for choice_id, label in choices:
            item = old.get(choice_id) or CommentedMap()
            item["id"] = choice_id
            text = self._empty_text()
            for language, value in label.items():
                if value.strip():
                    text[language] = value
            item["label"] = text
            new.append(item)
        node["choices"] = new

    # -- mapping the loader's problems back ------------------------------------------------

    def locate(self, problem: TemplateProblem) -> tuple[Path | None, str | None]:
        """The node and field a problem is about (either may be unknown).

        A question's problem names the question; a section's or an exclusion's is found by its
        line in the text as it is now (the loader checked exactly that text).
        """
        if problem.question:
            return self.path_of(problem.question), problem.field
        if problem.line is None:
            return None, problem.field
        return self._node_at_line(problem.line), problem.field

    def _node_at_line(self, line: int) -> Path | None:
        """The section or exclusion whose lines hold `line` (1-based), in `source()`'s text."""
        source = self.source()
        if self._spans_of != source:
            self._spans = _item_spans(_document_yaml().load(source))
            self._spans_of = source
        return next((path for start, end, path in self._spans if start <= line < end), None)



def suggest_id(text: str, taken: set[str] | frozenset[str] = frozenset(),
               longest: int = 32) -> str:
    """An id made from a prompt, for the admin to keep or change: Chinese as pinyin words
    (你是否承认 -> ni_shi_fou_cheng_ren), other words lower-cased, joined by "_", cut at a word
    within `longest` characters, and made unique against `taken` (_2, _3, ...)."""
    # Imported here: its phrase dictionary takes a quarter of a second to load, which every
    # `kiosk` command would otherwise pay (the CLI imports this module for its error type).
    from pypinyin import lazy_pinyin

    words: list[str] = []
    for part in lazy_pinyin(text, errors=lambda chars: [chars]):
        words += re.findall(r"[a-z0-9]+", part.lower())
    slug = ""
    for word in words:
        if slug and len(slug) + 1 + len(word) > longest:
            break
        slug = f"{slug}_{word}" if slug else word[:longest]
    if not slug or not slug[0].isalpha():
        slug = f"q_{slug}".rstrip("_")
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}_{n}", n + 1
    return candidate


def as_number(typed: Any) -> Any:
    """A typed number as a number: "1" is 1, "2.5" is 2.5; anything else as it was typed."""
    if not isinstance(typed, str):
        return typed
    text = typed.strip()
    if re.fullmatch(r"[-+]?\d+", text):
        return int(text)
    if re.fullmatch(r"[-+]?(\d+\.\d*|\.\d+)", text):
        return float(text)
    return text or None


def _item_spans(root: Any) -> list[tuple[int, int, Path]]:
    """(first line, line after the last, path) of each section and exclusion: an item runs to
    the next item of its list, the last one to the next top-level key (or the end)."""
    if not isinstance(root, CommentedMap):
        return []
    keys = list(root)
    top_lines = sorted(root.lc.key(k)[0] + 1 for k in keys)
    spans: list[tuple[int, int, Path]] = []
    for key in ("sections", "exclusions"):
        items = root.get(key)
        if not isinstance(items, CommentedSeq) or not items:
            continue
        key_line = root.lc.key(key)[0] + 1
        end = next((n for n in top_lines if n > key_line), 10**9)
        starts = [items.lc.item(i)[0] + 1 for i in range(len(items))]
        for index, start in enumerate(starts):
            stop = starts[index + 1] if index + 1 < len(starts) else end
            spans.append((start, stop, (key, index)))
    return spans
