"""The client's languages: the written standard of Norwegian they read (bokmål or nynorsk), the
language they prefer (an ISO 639 code, Sámi among them), and what follows for a text a counsellor
writes for them. Pure rules, no models: the client record stores the codes (clients.models).

State bodies answer in the written standard the reader asks for (språklova § 10), and Sámi
speakers have the right to be served in Sámi (sameloven ch. 3). The product translates its own
words; a counsellor's own words are not translated, so the form says when they do not match the
reader and offers to mark that an interpreter or a translated version is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

BOKMAL = "nb"
NYNORSK = "nn"
WRITTEN_STANDARDS = [(BOKMAL, _("Bokmål")), (NYNORSK, _("Nynorsk"))]

# Sámi languages in Norway with their ISO 639 codes (nordsamisk, lulesamisk, sørsamisk).
SAMI = {"se": _("nordsamisk"), "smj": _("lulesamisk"), "sma": _("sørsamisk")}

# Named choices for the preferred language; any other ISO 639 code may be stored as well.
NAMED_LANGUAGES = {
    "nb": _("norsk"),
    "nn": _("norsk"),
    "no": _("norsk"),
    **SAMI,
    "en": _("engelsk"),
    "ar": _("arabisk"),
    "so": _("somali"),
    "ti": _("tigrinja"),
    "uk": _("ukrainsk"),
    "pl": _("polsk"),
    "fa": _("persisk"),
}
NORWEGIAN = frozenset({"nb", "nn", "no", "nob", "nno", "nor", ""})


def normalise(code: str | None) -> str:
    return (code or "").strip().lower()


def is_sami(code: str | None) -> bool:
    return normalise(code) in SAMI


def language_name(code: str | None) -> str:
    code = normalise(code)
    return str(NAMED_LANGUAGES.get(code, code))


def written_standard(value: str | None) -> str:
    """The stored written standard, bokmål unless it says nynorsk."""
    return NYNORSK if normalise(value) in ("nn", "nno", "nynorsk") else BOKMAL


def spoken_codes(value: str | None) -> frozenset[str]:
    """A staff member's languages as stored ("se, smj" or "se smj") as a set of codes."""
    return frozenset(c for c in normalise(value).replace(",", " ").split() if c)


@dataclass(frozen=True)
class Mismatch:
    """Why a counsellor's own text may not reach the reader as written."""

    reason: str  # "written_standard" | "language" | "sami"
    message: str
    suggest_interpreter: bool


def text_mismatch(*, client_standard: str, client_language: str, text_standard: str = BOKMAL) -> Mismatch | None:
    """The mismatch between a text in ``text_standard`` (bokmål unless the counsellor marks it
    nynorsk) and a reader with ``client_standard`` and preferred ``client_language``; None when
    the text suits them. A language other than Norwegian comes first: it needs an interpreter or a
    translated version whatever the written standard."""
    lang = normalise(client_language)
    if lang not in NORWEGIAN:
        if lang in SAMI:
            return Mismatch(
                "sami",
                str(
                    _(
                        "Brukeren vil ha samisk (%(l)s). Teksten din er på norsk: merk at brukeren trenger tolk eller en "
                        "oversatt versjon, eller la en samisktalende veileder skrive (sameloven kapittel 3)."
                    )
                )
                % {"l": language_name(lang)},
                True,
            )
        return Mismatch(
            "language",
            str(
                _(
                    "Brukeren foretrekker et annet språk (%(l)s). Teksten din er på norsk: merk at brukeren trenger tolk "
                    "eller en oversatt versjon."
                )
            )
            % {"l": language_name(lang)},
            True,
        )
    if written_standard(client_standard) != written_standard(text_standard):
        if written_standard(client_standard) == NYNORSK:
            return Mismatch(
                "written_standard",
                str(
                    _(
                        "Brukeren har valgt nynorsk. Teksten din blir vist slik du skriver den: skriv den på nynorsk og "
                        "merk det, eller merk at brukeren trenger en oversatt versjon."
                    )
                ),
                False,
            )
        return Mismatch(
            "written_standard",
            str(
                _(
                    "Brukeren har valgt bokmål, og du har merket teksten som nynorsk. Merk at brukeren trenger en oversatt "
                    "versjon om teksten ikke skal sendes slik."
                )
            ),
            False,
        )
    return None


def render_language(*, client_standard: str, client_language: str) -> str:
    """The language the product's own words are rendered in for this client: nynorsk when they read
    nynorsk (the written standard, or nynorsk as their preferred language), English when they
    prefer English, bokmål otherwise."""
    if written_standard(client_standard) == NYNORSK or normalise(client_language) in ("nn", "nno"):
        return NYNORSK
    if normalise(client_language) in ("en", "eng"):
        return "en"
    return BOKMAL
