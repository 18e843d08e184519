"""Text the product writes into a record in Norwegian (a task's title, say) and shows later in
the reader's language.

A record keeps the Norwegian (it is what was written, and what the journal and the audit trail
quote); a page shows it through ``render``, which looks the text up in the catalogue. A text with
a value in it is declared once with ``pattern`` (``"Tiltak: %(title)s"``) and written with
``compose``; ``render`` recognises it again, translates the fixed words and keeps the value as it
was written. Text a person wrote (a task's own title) matches nothing and is shown as written."""

from __future__ import annotations

import re

from django.utils import translation
from django.utils.translation import gettext

_PATTERNS: dict[str, re.Pattern] = {}
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def pattern(text: str) -> str:
    """Declare a stored text with ``%(name)s`` values (mark it with ``gettext_noop`` too, so it is
    extracted for translation). Returns ``text``."""
    if text not in _PATTERNS:
        parts = _PLACEHOLDER.split(text)
        rx = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.*?)" for i, p in enumerate(parts))
        _PATTERNS[text] = re.compile(rx + r"\Z", re.S)
    return text


def compose(text: str, limit: int | None = None, **values) -> str:
    """The Norwegian text with its values, as stored (cut to ``limit`` characters)."""
    out = pattern(text) % values
    return out[:limit] if limit else out


def render(stored: str) -> str:
    """``stored`` in the active language: a catalogue entry's translation, a declared pattern's
    translation with its values, or the text as it was written."""
    if not stored:
        return stored or ""
    if (translation.get_language() or "nb") == "nb":
        return stored  # written in bokmål: a bokmål reader reads it as written (no lookups per row)
    translated = gettext(stored)
    if translated != stored.replace("\r\n", "\n").replace("\r", "\n"):  # gettext's own line-end folding
        return translated
    for text, rx in _PATTERNS.items():
        m = rx.match(stored)
        if m:
            english = gettext(text)
            return english % m.groupdict() if english != text else stored
    return stored


def bokmal(text) -> str:
    """A label (a lazy translation or a choice's label) as a record stores it: in bokmål, whatever
    language the writer reads (journal summaries, stored results)."""
    with translation.override("nb"):
        return str(text)
