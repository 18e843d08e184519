"""Which language a page's text is marked as: every text node with the ``lang`` of its nearest
marked ancestor (the ``<html>`` element's for the page's own words), so a test can check that a
validated instrument's published Norwegian wording sits inside ``lang="nb"`` on a page in another
language, and that the page's own words do not."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Marked(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []  # (tag, lang it sets or None)
        self.texts: list[tuple[str, str]] = []
        self.skip = 0

    def _lang(self) -> str:
        return next((lang for _tag, lang in reversed(self.stack) if lang is not None), "")

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag not in VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        for i in range(len(self.stack) - 1, -1, -1):  # an element left open is closed with its parent
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self.skip:
            self.texts.append((self._lang(), text))


def texts_by_lang(html: str) -> list[tuple[str, str]]:
    """(lang, text) for every text node of the page, whitespace collapsed, scripts left out."""
    parser = _Marked()
    parser.feed(html)
    parser.close()
    return parser.texts


def marked(html: str, lang: str) -> list[str]:
    return [t for lg, t in texts_by_lang(html) if lg == lang]


def unmarked(html: str, lang: str) -> list[str]:
    """The text nodes not marked as ``lang``."""
    return [t for lg, t in texts_by_lang(html) if lg != lang]
