"""What the catalogue tests read: the .po files (a small parser, no dependency) and the msgids a
template uses (Django's own ``templatize``, the step ``makemessages`` runs before xgettext)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.template.loader import get_template
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[2]

# Every template a client sees (Min side, its forms and letters, the login, the pages around
# them: base, errors, the accessibility statement). Each msgid they use needs an nn translation.
CLIENT_TEMPLATES = [
    "base.html",
    "error.html",
    "error_fragment.html",
    "404.html",
    "core/_nav.html",
    "core/_footer.html",
    "core/accessibility_statement.html",
    "clients/login.html",
    "accounts/own_access_log.html",
    "followup/client_home.html",
    "followup/client_activity_form.html",
    "followup/client_message_form.html",
    "followup/client_mapping_form.html",
    "followup/client_disagree_form.html",
    "followup/client_ratings.html",
    "followup/_client_kept_informed.html",
    "followup/_client_meetings.html",
    "followup/sharing.html",
    "followup/notification_preferences.html",
    "followup/decision_letter.html",
    "followup/_field.html",
    "followup/_form_errors.html",
]
# Python modules whose every msgid is client-facing (the decision letter's words).
CLIENT_MODULES = ["skreddersy/followup/letters.py"]

_CALL = re.compile(r"(?<![\w.])(n?p?gettext(?:_lazy)?|gettext_noop|_)\(")


def parse_po(path: Path) -> dict[tuple[str, str], list[str]]:
    """{(msgctxt, msgid): [msgstr, msgstr[1], ...]} of a .po file (the header left out). A fuzzy
    entry (makemessages' guess from a similar string, which msgfmt leaves out) reads as empty:
    it is not a translation."""
    entries: dict[tuple[str, str], list[str]] = {}
    cur: dict[str, str] = {}
    key = None
    fuzzy = False

    def flush():
        nonlocal fuzzy
        if "msgid" in cur and cur["msgid"]:
            strs = [v for k, v in sorted(cur.items()) if k.startswith("msgstr")]
            entries[(cur.get("msgctxt", ""), cur["msgid"])] = [""] * len(strs) if fuzzy else strs
        cur.clear()
        fuzzy = False

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            flush()
            key = None
            continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                if "msgstr" in cur:  # the flag opens the next entry
                    flush()
                fuzzy = True
            continue
        if line.startswith('"'):
            cur[key] += ast.literal_eval(line)
            continue
        name, _, rest = line.partition(" ")
        if name in ("msgid", "msgctxt") and "msgstr" in cur:
            flush()
        key = name
        cur[key] = ast.literal_eval(rest)
    return entries


def template_msgids(name: str) -> set[tuple[str, str]]:
    """The (context, msgid) pairs a template asks to translate (singular and plural forms)."""
    source = Path(get_template(name).origin.name).read_text(encoding="utf-8")
    return python_msgids(templatize(source, origin=name))


def python_msgids(source: str) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for m in _CALL.finditer(source):
        args = _args(source, m.end())
        if args is None:
            continue
        fn = m.group(1)
        strings = [a for a in args if isinstance(a, str)]
        if fn.startswith("np") or fn.startswith("pg"):
            ctx, ids = (strings[0], strings[1:3]) if strings else ("", [])
        else:
            ctx, ids = "", strings[:2] if fn.startswith("n") else strings[:1]
        for i in ids:
            found.add((ctx, i))
    return found


def _args(source: str, start: int):
    """The literal string arguments of a call whose "(" ends at ``start`` (None if not literals)."""
    depth, i = 1, start
    while i < len(source) and depth:
        c = source[i]
        if c in "'\"":
            q = c
            i += 1
            while i < len(source) and source[i] != q:
                i += 2 if source[i] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        i += 1
    try:
        node = ast.parse("f(" + source[start:i], mode="eval").body
    except SyntaxError:
        return None
    return [a.value if isinstance(a, ast.Constant) else None for a in node.args]


def compile_catalogues() -> None:
    """Compile every locale/*/LC_MESSAGES/django.po whose .mo is missing or older (msgfmt, as
    ``manage.py compilemessages`` does; the .mo files are built, not committed by hand)."""
    import os
    import subprocess
    import tempfile

    for po in sorted((ROOT / "locale").glob("*/LC_MESSAGES/django.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        os.close(fd)
        subprocess.run(["msgfmt", "--check-format", "-o", tmp, str(po)], check=True)
        os.chmod(tmp, 0o644)
        os.replace(tmp, mo)


class MissingRecorder:
    """Records the msgids rendered while active under ``language`` that its catalogue lacks
    (Django falls back to the msgid, bokmål, without a word)."""

    def __init__(self, language: str):
        self.language = language
        self.missing: set[str] = set()

    def __enter__(self):
        from django.utils.translation import trans_real

        cls = trans_real.DjangoTranslation
        self._orig = cls.gettext, cls.ngettext
        rec = self
        orig_gettext, orig_ngettext = self._orig

        def gettext(tr, message):
            if tr.language() == rec.language and message and tr._catalog.get(message) is None:
                rec.missing.add(message)
            return orig_gettext(tr, message)

        def ngettext(tr, msgid1, msgid2, n):
            if tr.language() == rec.language and tr._catalog.get((msgid1, 0)) is None:
                rec.missing.add(msgid1)
            return orig_ngettext(tr, msgid1, msgid2, n)

        cls.gettext, cls.ngettext = gettext, ngettext
        return self

    def __exit__(self, *exc):
        from django.utils.translation import trans_real

        trans_real.DjangoTranslation.gettext, trans_real.DjangoTranslation.ngettext = self._orig
        return False

    def project_missing(self) -> set[str]:
        """The missing msgids that are the product's own (in its .po), not Django's or data."""
        po = parse_po(ROOT / "locale" / self.language / "LC_MESSAGES" / "django.po")
        ours = {msgid for (_ctx, msgid) in po}
        return {m for m in self.missing if m in ours}
