"""A plain-language check (klarspråk) of a text a counsellor writes for a client: LIX with
long-word and passive-voice hints, as Nav's own decision tool shows beside the text.

LIX (Björnsson 1968) = words / sentences + 100 × long words / words, where
- a word is a sequence of letters (Unicode letters, æ ø å among them; digits and signs are not
  words, and a hyphen or apostrophe splits words),
- a long word has more than six letters,
- a sentence ends at . : ! ? or a line break (several in a row end one sentence; text after the
  last mark is a sentence of its own when it has a word).
A text with no words has no score (None), never a division by zero.

The passive hints are Norwegian: the s-passive (a verb ending in -es or -s after a modal or in the
present, "søknaden behandles", "kravet må oppfylles") and the bli-passive (blir/ble/bli/blitt +
a participle, "du blir innkalt", "saken ble behandlet"). They are hints, not a parse: a word list
of common s-passives and a participle pattern, so the counsellor sees where to look.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

LONG_WORD = 6  # a long word has MORE than this many letters
WORD = re.compile(r"[^\W\d_]+")
SENTENCE_END = re.compile(r"[.:!?\n]")

# Where LIX usually lands (Björnsson's bands, as Norwegian plain-language guides quote them).
BANDS = [
    (25, _("svært lett")),
    (35, _("lett")),
    (45, _("middels")),
    (55, _("vanskelig")),
    (float("inf"), _("svært vanskelig")),
]
TARGET = 40  # Nav's decision texts aim below this

AUX_BLI = {"blir", "ble", "bli", "blitt", "vart", "vert", "vorte", "blei"}
AUX_NYNORSK = {"vart", "vert", "vorte", "blei", "blitt"}  # nynorsk weak participles also end in -a ("endra")
# Participles of the bli-passive: -et, -t, -d, -dd after a consonant or -tt, common strong forms.
PARTICIPLE = re.compile(r"^\w{2,}(?:et|t|d)$")
NOT_PARTICIPLE = {"det", "at", "mot", "ut", "godt", "litt", "fort", "helt", "slutt", "rett", "nett", "tidlig", "bedt"}
# Words ending in -s or -es that are not passives (nouns' genitive aside, these are common).
NOT_S_PASSIVE = {
    "hvis",
    "dersom",
    "oss",
    "deres",
    "hans",
    "hennes",
    "dens",
    "dets",
    "våres",
    "alles",
    "ens",
    "bus",
    "buss",
    "hus",
    "tips",
    "kurs",
    "plass",
    "mens",
    "fordi",
    "ikkes",
    "nokså",
    "ellers",
    "stadig",
    "altfor",
    "bes",
    "les",
    "nas",
    "nes",
    "tross",
    "kvartals",
    "måneds",
    "dags",
    "års",
    "ukes",
    "nav",
    "navs",
    "hos",
    "las",
    "is",
    "sis",
    "los",
    "kos",
    "ros",
    "først",
    "sist",
    "mest",
    "best",
    "minst",
    "størst",
    "lengst",
    "verst",
    "ingenting",
    "adresse",
    "press",
    "stress",
    "status",
    "prosess",
    "prosses",
    "interesse",
    "presis",
    "kris",
    "krise",
    "pris",
    "ris",
    "vis",
    "likevel",
    "nylig",
    "kanskje",
    "slags",
    "ofs",
    "alltids",
    "mellomtids",
    "bokmålets",
    "nynorskens",
}
MODALS = {
    "må",
    "skal",
    "kan",
    "bør",
    "vil",
    "skulle",
    "kunne",
    "måtte",
    "burde",
    "ville",
    "kunna",
    "lyt",
    "får",
    "fikk",
}


@dataclass(frozen=True)
class Hint:
    kind: str  # "long_word" | "passive"
    text: str
    start: int  # offset in the text


@dataclass
class Result:
    words: int
    sentences: int
    long_words: int
    lix: float | None
    band: str
    long_word_hints: list[Hint] = field(default_factory=list)
    passive_hints: list[Hint] = field(default_factory=list)

    @property
    def above_target(self) -> bool:
        return self.lix is not None and self.lix >= TARGET

    @property
    def longest_words(self) -> list[str]:
        seen: dict[str, None] = {}
        for h in sorted(self.long_word_hints, key=lambda h: -len(h.text)):
            seen.setdefault(h.text.lower(), None)
        return list(seen)[:8]


def words(text: str) -> list[re.Match]:
    return list(WORD.finditer(text or ""))


def count_sentences(text: str) -> int:
    """Sentences: runs of text with a word, cut at . : ! ? or a line break."""
    return sum(1 for part in SENTENCE_END.split(text or "") if WORD.search(part))


def lix(text: str) -> float | None:
    """LIX of ``text`` (None for a text without words)."""
    ws = words(text)
    if not ws:
        return None
    sentences = max(count_sentences(text), 1)
    long = sum(1 for m in ws if len(m.group()) > LONG_WORD)
    return len(ws) / sentences + 100 * long / len(ws)


def band(score: float | None) -> str:
    if score is None:
        return ""
    return str(next(name for limit, name in BANDS if score < limit))


def _is_s_passive(word: str, prev: str) -> bool:
    """The s-passive: a verb in -es ("behandles", "oppfylles"), or in -s after a modal ("må nås")."""
    w = word.lower()
    if w in NOT_S_PASSIVE or w.endswith("ss") or len(w) < 4:
        return False
    if w.endswith("es"):
        return True
    return prev.lower() in MODALS and w.endswith("s")


def _is_bli_passive(aux: str, word: str) -> bool:
    """The bli-passive: blir/ble/bli/blitt (nynorsk vart/vert/vorte) + a participle ("innkalt")."""
    w = word.lower()
    if aux.lower() not in AUX_BLI or w in NOT_PARTICIPLE or len(w) <= 3:
        return False
    return bool(PARTICIPLE.match(w)) or (aux.lower() in AUX_NYNORSK and w.endswith("a"))


def check(text: str) -> Result:
    """Score ``text`` and point at its long words and passive constructions."""
    ws = words(text)
    score = lix(text)
    long_hints = [Hint("long_word", m.group(), m.start()) for m in ws if len(m.group()) > LONG_WORD]
    passive: list[Hint] = []
    for i, m in enumerate(ws):
        prev = ws[i - 1].group() if i else ""
        if i and _is_bli_passive(prev, m.group()):
            passive.append(Hint("passive", f"{prev} {m.group()}", ws[i - 1].start()))
        elif _is_s_passive(m.group(), prev):
            passive.append(Hint("passive", m.group(), m.start()))
    return Result(
        words=len(ws),
        sentences=count_sentences(text) if ws else 0,
        long_words=len(long_hints),
        lix=None if score is None else round(score, 1),
        band=band(score),
        long_word_hints=long_hints,
        passive_hints=passive,
    )
