"""The translation catalogues for the tests: compile the .po files into the .mo files Django reads
(they are not committed; ``make`` builds them, and a bare ``pytest`` does it here when one is
missing or older than its .po), and read a .po file's entries."""

from __future__ import annotations

import ast
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"


def compile_stale() -> None:
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/django.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        if shutil.which("msgfmt") is None:
            raise RuntimeError(
                f"{mo.relative_to(ROOT)} must be compiled and GNU gettext's msgfmt is missing: "
                "run `make test` (installs it) or `apt-get install gettext`."
            )
        subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def translated(self) -> bool:
        return "fuzzy" not in self.flags and bool(self.msgstr) and all(v.strip() for v in self.msgstr.values())


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (the header, msgid "", left out). Enough of the format for what
    GNU gettext writes: flags, msgctxt, msgid, msgid_plural, msgstr and msgstr[n], continued lines."""
    entries: list[Entry] = []
    cur = Entry()
    last: tuple[str, int | None] | None = None
    started = False

    def finish():
        nonlocal cur, started
        if started and cur.msgid != "":
            entries.append(cur)
        cur, started = Entry(), False

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#~"):
            if not cur.obsolete:
                finish()
            cur.obsolete = True
            line = line[2:].strip()
            if not line:
                continue
        if not line:
            finish()
            last = None
            continue
        if line.startswith("#,"):
            if started and last and last[0] != "comment":
                finish()
            cur.flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
            key, n = last
            if key == "msgstr":
                cur.msgstr[n] = cur.msgstr.get(n, "") + value
            else:
                setattr(cur, key, (getattr(cur, key) or "") + value)
            continue
        keyword, _, rest = line.partition(" ")
        value = ast.literal_eval(rest.strip())
        if keyword in ("msgctxt", "msgid") and started and last and last[0] == "msgstr":
            obsolete = cur.obsolete
            finish()
            cur.obsolete = obsolete
        started = True
        if keyword.startswith("msgstr"):
            n = int(keyword[7:-1]) if "[" in keyword else 0
            cur.msgstr[n] = value
            last = ("msgstr", n)
        else:
            setattr(cur, keyword, value)
            last = (keyword, None)
    finish()
    return [e for e in entries if not e.obsolete]
