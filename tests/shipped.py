"""The version of the shipped interview templates, read once from the shipped files.

A published version never changes, so a change to a shipped template raises its version; a fresh
station publishes the shipped files as they are. Tests that mean "the shipped version" or "the
next version" take the numbers from here, not from a literal that goes stale.
"""

from __future__ import annotations

import re
from pathlib import Path

from kiosk.settings import PROJECT_ROOT

QUESTIONS = PROJECT_ROOT / "templates" / "questions"
VERSION_LINE = re.compile(r"^version: (\d+)$", re.M)
ROLE_LINE = re.compile(r"^role: (\w+)$", re.M)


def shipped_version(template_id: str = "minor-assault") -> int:
    """The version a fresh station publishes the shipped template `template_id` as."""
    match = VERSION_LINE.search(shipped_source(template_id))
    assert match, f"templates/questions/{template_id}.yaml has no version line"
    return int(match[1])


def shipped_source(template_id: str = "minor-assault") -> str:
    """The text of the shipped template, as a fresh station publishes it."""
    return Path(QUESTIONS / f"{template_id}.yaml").read_text("utf-8")


def with_version(source: str, version: int) -> str:
    """The template text with its version line (only that line) saying `version`."""
    changed, count = VERSION_LINE.subn(f"version: {version}", source, count=1)
    assert count == 1, "the text has no version line"
    return changed


SHIPPED_VERSION = shipped_version()
NEXT_VERSION = SHIPPED_VERSION + 1


def shipped_template_ids(role: str | None = None) -> list[str]:
    """The ids of the shipped templates, or of those for one role ("offender": no `role` key;
    "victim", "witness": kiosk/persons.py)."""
    ids = []
    for path in sorted(QUESTIONS.glob("*.yaml")):
        match = ROLE_LINE.search(path.read_text("utf-8"))
        if role is None or (match[1] if match else "offender") == role:
            ids.append(path.stem)
    return ids


def shipped_files(role: str | None = None) -> list[Path]:
    """The shipped template files, or those for one role (see shipped_template_ids)."""
    return [QUESTIONS / f"{template_id}.yaml" for template_id in shipped_template_ids(role)]
