"""Find user-facing text in templates that is not inside {% translate %} / {% blocktranslate %}.

The templates are split with Django's own template lexer. A text token outside a
``{% blocktranslate %}…{% endblocktranslate %}`` block, a ``{% comment %}`` block, ``<script>``
and ``<style>`` is stripped of HTML tags; what is left, and the literal values of the attributes a
user reads or hears (``aria-label``, ``title``, ``placeholder``, ``alt``), must contain no word
(two or more letters) unless that word is in ``ALLOWED`` (names and codes that read the same in
every language). Variables (``{{ … }}``) and tags are never text."""

from __future__ import annotations

import html
import re
from pathlib import Path

from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parents[2]

# Words that read the same in every language the product speaks: the product's and the agency's
# names, the language switch's own labels (each in its own language), codes, units and legal shorthand.
ALLOWED = {
    "skreddersy",
    "nav",
    "norsk",
    "nb",  # language codes (html lang)
    "en",
    "english",
    "bokmål",
    "nynorsk",
    "aksel",
    "htmx",
    "csv",
    "pdf",
    "json",
    "spss",
    "sav",
    "api",
    "openapi",
    "id",
    "ok",
    "aap",
    "kvp",
    "ips",
    "aev",
    "lix",
    "fnr",
    "dcsq",
    "ols",
    "arena",
    "min",
    "side",
    "nav-ident",
    "ident",
    "url",
    "wcag",
    "axe",
    "sms",
    "e-post",
    # statistical notation, the same in Norwegian and English texts
    "se",
    "sd",
    "df",
    "icc",
    "beta",
    "welch",
    "mann-whitney",
    "χ²",
    "r²",
    "km",
}

_TAG = re.compile(r"<[^>]*>", re.S)
_ATTR = re.compile(r"""\b(aria-label|title|placeholder|alt)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_WORD = re.compile(r"[^\W\d_]{2,}(?:-[^\W\d_]+)*", re.U)
_ENTITY = re.compile(r"&[#\w]+;")
_DEFAULT = re.compile(r"""\|default(?:_if_none)?:(["'])(.*?)\1""")


def templates() -> list[Path]:
    dirs = [ROOT / "templates", *sorted((ROOT / "skreddersy").glob("*/templates"))]
    return sorted(p for d in dirs for p in d.rglob("*.html"))


def words(text: str) -> list[str]:
    text = _ENTITY.sub(" ", text)
    return [w for w in _WORD.findall(html.unescape(text)) if w.lower() not in ALLOWED]


def untranslated(source: str) -> list[tuple[int, str]]:
    """(line, text) for every piece of user-facing text outside a translation tag."""
    found: list[tuple[int, str]] = []
    in_block = in_comment = False
    chunks: list[tuple[int, str]] = []

    def flush():
        nonlocal chunks
        if not chunks:
            return
        text = "".join(c for _, c in chunks)
        line = chunks[0][0]
        chunks = []
        text = re.sub(r"<script\b.*?</script>", " ", text, flags=re.S | re.I)
        text = re.sub(r"<style\b.*?</style>", " ", text, flags=re.S | re.I)
        text = re.sub(r"<code\b.*?</code>", " ", text, flags=re.S | re.I)  # file columns, codes
        for m in _ATTR.finditer(text):
            value = m.group(2) if m.group(2) is not None else m.group(3)
            if words(value):
                found.append((line, value.strip()))
        stripped = _TAG.sub(" ", text)
        stripped = re.sub(r"<[^>]*$", " ", stripped)  # an HTML tag a template tag interrupts
        stripped = re.sub(r"^[^<]*>", " ", stripped) if "<" not in stripped and ">" in stripped else stripped
        if words(stripped):
            found.append((line, " ".join(stripped.split())))

    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            if name in ("blocktranslate", "blocktrans"):
                flush()
                in_block = True
            elif name in ("endblocktranslate", "endblocktrans"):
                in_block = False
            elif name == "comment":
                flush()
                in_comment = True
            elif name == "endcomment":
                in_comment = False
            elif not in_block and not in_comment:
                chunks.append((token.lineno, "\x00"))  # a tag stands where a value would
            continue
        if token.token_type == TokenType.VAR:
            if not in_block and not in_comment:
                chunks.append((token.lineno, "\x00"))
                # a literal default a reader sees ({{ x|default:"Ingen" }}) must be _("Ingen")
                for m in _DEFAULT.finditer(token.contents):
                    if words(m.group(2)):
                        found.append((token.lineno, m.group(2)))
            continue
        if token.token_type == TokenType.COMMENT or in_block or in_comment:
            continue
        chunks.append((token.lineno, token.contents))
    flush()
    return found


def report() -> dict[str, list[tuple[int, str]]]:
    out = {}
    for path in templates():
        hits = untranslated(path.read_text(encoding="utf-8"))
        if hits:
            out[str(path.relative_to(ROOT))] = hits
    return out
