"""Near-copy wording: TF-IDF cosine similarity on normalised text, in numpy (no scikit-learn).

The measure, as the indicator page states it: a requirement's consequence is a *near-copy* when
its TF-IDF cosine similarity to another consequence the same counsellor wrote in the 12 months
before it is at least ``THRESHOLD`` (0.9).

- Normalisation: Unicode NFKC, lower case, every run of characters that is not a letter or a
  digit becomes one space (so "AAP-en," and "aap en" are the same words).
- Terms: the words (unigrams) of the normalised text.
- Weights: term frequency times the smoothed inverse document frequency
  ``idf(t) = ln((1 + n) / (1 + df(t))) + 1`` over the counsellor's own consequences in the
  window (``n`` texts, ``df`` = texts holding the term), each text's vector scaled to length 1
  (the definition scikit-learn's ``TfidfVectorizer`` uses by default; ``tests`` check the numbers
  against a hand-computed example).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence

from skreddersy.core.lazy import numpy as np

THRESHOLD = 0.9
WINDOW = dt.timedelta(days=365)
_NON_WORD = re.compile(r"[^\w]+|_+")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    return " ".join(_NON_WORD.sub(" ", text).split())


def tfidf(texts: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """The L2-normalised TF-IDF matrix (texts x terms) of already normalised texts, and the terms."""
    docs = [t.split() for t in texts]
    vocab = sorted({w for d in docs for w in d})
    index = {w: i for i, w in enumerate(vocab)}
    tf = np.zeros((len(docs), len(vocab)))
    for r, d in enumerate(docs):
        for w in d:
            tf[r, index[w]] += 1
    n = len(docs)
    df = (tf > 0).sum(axis=0)
    idf = np.log((1 + n) / (1 + df)) + 1
    x = tf * idf
    norms = np.linalg.norm(x, axis=1)
    norms[norms == 0] = 1
    return x / norms[:, None], vocab


def cosine_matrix(texts: Sequence[str]) -> np.ndarray:
    x, _ = tfidf(texts)
    return x @ x.T


def near_copies(
    items: Sequence[tuple[dt.datetime, str]], *, threshold: float = THRESHOLD, window: dt.timedelta = WINDOW
) -> list[bool]:
    """For one counsellor's consequences ``(written at, text)``: whether each is a near-copy of
    another one written before it (at most ``window`` earlier). The IDF is fitted on these texts.
    Identical normalised texts are compared once (the matrix is over distinct texts)."""
    if not items:
        return []
    norm = [normalise(t) for _at, t in items]
    distinct = sorted(set(norm))
    pos = {t: i for i, t in enumerate(distinct)}
    # IDF over every text (with repeats), vectors for the distinct ones
    x, _ = tfidf(norm)
    first = {}
    for i, t in enumerate(norm):
        first.setdefault(t, i)
    xv = x[[first[t] for t in distinct]]
    similar = (xv @ xv.T) >= threshold - 1e-12
    neighbours = [np.flatnonzero(similar[i]).tolist() for i in range(len(distinct))]
    order = sorted(range(len(items)), key=lambda i: items[i][0])
    last_seen: dict[int, dt.datetime] = {}
    out = [False] * len(items)
    for i in order:
        at = items[i][0]
        k = pos[norm[i]]
        out[i] = any((seen := last_seen.get(j)) is not None and at - seen <= window for j in neighbours[k])
        last_seen[k] = at
    return out
