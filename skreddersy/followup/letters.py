"""The § 14 a decision letter (vedtaksbrev), as HTML and as PDF, in the client's language.

The letter's own words are the product's and come from the translation catalogues, so a client
who reads nynorsk gets them in nynorsk (core.languages; the client's written standard, never the
staff member's language). The counsellor's justification is their own text and is shown as written
(with the mark that it is their text); a mismatch with the reader is the form's to flag
(followup.forms, ``LanguageNeed``).
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass, field

from django.utils import formats, translation
from django.utils.translation import gettext as _

from skreddersy.followup.models import NeedsDecision


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    own_words: str = ""  # the counsellor's own text, shown as written


@dataclass
class Letter:
    language: str
    title: str
    date: str
    office: str
    sections: list[Section]
    signed_by: list[str]


def letter_language(decision: NeedsDecision) -> str:
    return decision.client.render_language


def build(decision: NeedsDecision) -> Letter:
    """The letter's content in the client's language (call inside no particular language: it
    switches to the client's for the build and back)."""
    with translation.override(letter_language(decision)):
        return _build(decision)


def _build(d: NeedsDecision) -> Letter:
    client = d.client
    sent = d.sent_at or d.drafted_at
    group, goal = d.get_need_group_display(), d.get_main_goal_display()
    sections = [
        Section(
            _("Vedtaket"),
            [
                _("Nav har vurdert hva slags hjelp du trenger for å komme i arbeid eller beholde arbeidet ditt."),
                _("Du får denne oppfølgingen fra Nav: %(group)s.") % {"group": group},
                _("Hovedmålet ditt er: %(goal)s.") % {"goal": goal},
            ],
        ),
        Section(
            _("Hvorfor vi har kommet fram til dette"),
            [
                _("Vi har lagt vekt på det du har fortalt oss, og på det vi vet om situasjonen din."),
            ],
            own_words=d.justification or "",
        ),
        Section(
            _("Hva skjer nå"),
            [
                _("Du og veilederen din lager en aktivitetsplan sammen. Du finner den på Min side."),
                _("Hvis situasjonen din endrer seg, kan du be om at vi vurderer saken på nytt."),
            ],
        ),
        Section(
            _("Du har rett til å klage"),
            [
                _(
                    "Hvis du er uenig i vedtaket, kan du klage innen seks uker fra du fikk det (forvaltningsloven § 29)."
                ),
                _(
                    "Skriv til veilederen din på Min side og fortell hva du er uenig i. Vi hjelper deg gjerne med klagen."
                ),
            ],
        ),
        Section(
            _("Du har rett til å se saken din"),
            [
                _("Du kan se dokumentene i saken din (forvaltningsloven § 18)."),
            ],
        ),
        Section(
            _("Har du spørsmål?"),
            [
                _("Skriv til veilederen din på Min side, eller ring Nav på 55 55 33 33."),
                _("Har du behov for tolk, kan du si fra til oss. Tolk er gratis."),
            ],
        ),
    ]
    signed = [d.drafted_by.display_name + ", " + _("veileder")]
    if d.approver_id:
        signed.append(d.approver.display_name + ", " + _("beslutter"))
    return Letter(
        language=translation.get_language(),
        title=_("Vedtak om oppfølging fra Nav"),
        date=formats.date_format(sent, "j. F Y") if sent else "",
        office=client.office.name,
        sections=sections,
        signed_by=signed,
    )


def legal_basis() -> str:
    return _("Vedtaket er gjort etter folketrygdloven § 14 a.")


def as_text(letter: Letter) -> str:
    """The letter as plain text, in its own language (the PDF's body)."""
    with translation.override(letter.language):
        lines = [letter.office, letter.date, "", letter.title.upper(), ""]
        for s in letter.sections:
            lines.append(s.heading)
            for p in s.paragraphs:
                lines += textwrap.wrap(p, 88) + [""]
            if s.own_words:
                lines.append(_("Veilederen din skriver:"))
                for para in s.own_words.splitlines() or [""]:
                    lines += textwrap.wrap(para, 88) or [""]
                lines.append("")
        lines.append(legal_basis())
        lines += ["", _("Med vennlig hilsen")] + letter.signed_by + [letter.office]
    return "\n".join(lines)


def as_pdf(letter: Letter) -> bytes:
    """The letter as an A4 PDF (matplotlib, loaded on first use; text set in DejaVu Sans)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    lines = as_text(letter).splitlines()
    per_page = 60
    buf = io.BytesIO()
    with PdfPages(buf) as pdf:
        for start in range(0, max(len(lines), 1), per_page):
            fig = plt.figure(figsize=(8.27, 11.69))
            fig.text(0.08, 0.95, "Nav", fontsize=16, weight="bold", va="top", color="#C30000")
            fig.text(0.08, 0.91, "\n".join(lines[start : start + per_page]), fontsize=9, va="top", linespacing=1.35)
            pdf.savefig(fig)
            plt.close(fig)
        info = pdf.infodict()
        info["Title"] = letter.title
        info["Subject"] = letter.title
        info["Keywords"] = f"lang={letter.language}"
        info["Creator"] = "skreddersy"
    return buf.getvalue()
