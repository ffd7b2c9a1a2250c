"""The one renderer of template text: `{name}` placeholders, nothing else is ever evaluated."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

PLACEHOLDER_RE = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def placeholders(text: str) -> list[str]:
    """The names a text refers to, in order."""
    return PLACEHOLDER_RE.findall(text)


def render_text(text: str, values: Mapping[str, str] | Callable[[str], str]) -> str:
    """Fills `{name}` from values; an unknown name is left as written, so nothing is lost."""
    lookup = values if callable(values) else values.get

    def fill(match: re.Match[str]) -> str:
        value = lookup(match.group(1))
        return match.group(0) if value is None else str(value)

    return PLACEHOLDER_RE.sub(fill, text)
