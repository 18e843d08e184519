"""Every read in the insight app, scoped to the acting user by policy/access.py.

- Analysts: all surveys and waves, pseudonymised respondent rows, full analysis.
- Leaders: waves that include one of their offices; aggregates for those offices only, and only
  when at least ``MIN_GROUP`` respondents answered (``core.suppression``).
- Other staff: their own open invitations; nothing of other people's answers.

Each page and API endpoint calls one function here (or one service), which checks access.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from skreddersy.core import clock, suppression
from skreddersy.core.errors import AccessDenied, NotFound
from skreddersy.core.lazy import lazy
from skreddersy.core.lazy import numpy as np  # the analysis stack loads on first use (core/lazy.py)
from skreddersy.core.lazy import pandas as pd
from skreddersy.core.models import Office
from skreddersy.insight import analysis, anonymity
from skreddersy.insight import io as insight_io
from skreddersy.insight.context import SurveyContext
from skreddersy.insight.io import BACKGROUND_LABELS, CODINGS, STUDY_ALIASES, value_labels
from skreddersy.insight.models import (
    AGE_BAND_MIDPOINTS,
    BACKGROUND_QUESTIONS,
    CASELOAD_CODES,
    EMPLOYER_CODES,
    GENDER_CODES,
    IndexDefinition,
    Instrument,
    Invitation,
    Item,
    Response,
    ResponseDraft,
    Survey,
    Wave,
)
from skreddersy.insight.tokens import draft_for, invitation_for_token
from skreddersy.policy import access

MIN_GROUP = suppression.MIN_GROUP

replication = lazy("skreddersy.insight.replication")  # numpy, pandas, scipy, statsmodels
reports = lazy("skreddersy.insight.reports")  # matplotlib


# --- surveys, waves -----------------------------------------------------------------------------

def _require_insight(user) -> None:
    if not access.can_see_insight(user):
        raise AccessDenied(_("Innsikt er for analytikere og ledere."))


def waves_for(user):
    _require_insight(user)
    qs = Wave.objects.select_related("survey").order_by("-opens_at", "-id")
    scope = access.survey_office_scope(user)
    if scope is not None:
        qs = qs.filter(offices__in=scope).distinct()
    return qs


def surveys_for(user):
    _require_insight(user)
    scope = access.survey_office_scope(user)
    if scope is None:
        return Survey.objects.all()
    return Survey.objects.filter(waves__offices__in=scope).distinct()


def wave_for(user, wave_id: int) -> Wave:
    _require_insight(user)
    wave = Wave.objects.select_related("survey").filter(pk=wave_id).first()
    if wave is None:
        raise NotFound(_("Fant ikke runden."))
    if access.survey_office_scope(user) is None or access.can_see_wave(user, wave.offices.values_list("pk", flat=True)):
        return wave
    raise AccessDenied(_("Du har ikke tilgang til denne runden."))


def visible_offices(user, wave: Wave) -> list[Office]:
    offices = list(wave.offices.order_by("number"))
    if access.can_see_respondent_data(user):
        return offices
    return [o for o in offices if access.can_see_survey_aggregates(user, o.pk)]


@dataclass
class OfficeRate:
    office: Office
    invited: int
    answered: int  # spent invitations (answers given through the questionnaire)
    imported: int = 0  # answers collected elsewhere and imported (not part of the response rate)

    @property
    def rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None

    @property
    def total(self) -> int:
        return self.answered + self.imported


def response_rates(user, wave: Wave) -> list[OfficeRate]:
    """Invited and answered per office: counts only, never who. Two aggregate queries. While the
    wave is open the answered count moves in steps of five (``anonymity.shown_count``)."""
    offices = visible_offices(user, wave)
    ids = [o.pk for o in offices]
    inv = {r["office_id"]: r for r in Invitation.objects.filter(wave=wave, office_id__in=ids).values("office_id").annotate(
        invited=Count("id"), used=Count("id", filter=Q(used=True)))}
    imported = dict(Response.objects.filter(wave=wave, office_id__in=ids, source="import").values("office_id").annotate(
        n=Count("id")).values_list("office_id", "n"))
    return [OfficeRate(o, inv.get(o.pk, {}).get("invited", 0),
                       anonymity.shown_count(inv.get(o.pk, {}).get("used", 0), wave=wave), imported.get(o.pk, 0))
            for o in offices]


def wave_totals(user, waves) -> dict[int, dict]:
    """Per wave: the offices the user may see, and invited and answered summed over them. For the
    list of waves: two queries for any number of waves (counts only, never who)."""
    ids = [w.pk for w in waves]
    offices: dict[int, set] = {i: set() for i in ids}
    for wave_id, office_id in Wave.offices.through.objects.filter(wave_id__in=ids).values_list("wave_id", "office_id"):
        offices[wave_id].add(office_id)
    if not access.can_see_respondent_data(user):
        offices = {w: {o for o in os if access.can_see_survey_aggregates(user, o)} for w, os in offices.items()}
    out = {i: {"offices": len(offices[i]), "invited": 0, "answered": 0} for i in ids}
    by_id = {w.pk: w for w in waves}
    for wave_id, office_id, invited, used in (
        Invitation.objects.filter(wave_id__in=ids).values("wave_id", "office_id")
        .annotate(invited=Count("id"), used=Count("id", filter=Q(used=True)))
        .values_list("wave_id", "office_id", "invited", "used")
    ):
        if office_id in offices[wave_id]:
            out[wave_id]["invited"] += invited
            out[wave_id]["answered"] += used
    for wave_id, t in out.items():
        t["answered"] = anonymity.shown_count(t["answered"], wave=by_id[wave_id])
    return out


@dataclass
class OpenInvitation:
    wave: Wave


def my_invitations(user) -> list[OpenInvitation]:
    """The acting staff member's own unanswered invitations to open waves (the page offers a
    button that issues a fresh token: ``services.issue_token``)."""
    a = access.actor(user)
    if a.staff is None:
        return []
    now = clock.now()
    invs = Invitation.objects.select_related("wave", "wave__survey").filter(
        staff=a.staff, used=False, wave__opens_at__lte=now, wave__closes_at__gt=now)
    return [OpenInvitation(i.wave) for i in invs]


# --- data frames --------------------------------------------------------------------------------

def survey_context(survey: Survey) -> SurveyContext:
    items = [si.item for si in survey.survey_items.select_related("item__scale").order_by("position", "id")]
    keys = {i.key for i in items}
    specs = {i.key: analysis.ItemSpec(i.key, i.scale.min_value, i.scale.max_value, i.reverse, i.text) for i in items}
    indices, alphas = [], {}
    for ix in IndexDefinition.objects.prefetch_related("items").order_by("key"):
        ik = [i.key for i in ix.items.all()]
        if ik and set(ik) <= keys:
            indices.append(analysis.IndexSpec(ix.key, tuple(specs[k] for k in ik), ix.min_answered, ix.label))
            alphas[ix.key] = ix.published_alpha
    labels = {i.key: i.text for i in items} | {ix.key: ix.label for ix in indices} | dict(BACKGROUND_LABELS)
    labels |= {"individualisation": "Individualisering av aktivitetskrav", "measure_knowledge": "Tiltakskunnskap",
               "requirements_effective": "Aktivitetskrav effektivt?", "performance_management": "Mål- og tiltaksstyring",
               "workload": "Arbeidsbelastning", "employer": "Tilsettingsforhold (1 = statlig)", "gender": "Kjønn (1 = mann)",
               "caseload": "Bruker-veileder-ratio", "age": "Alder", "office_size": "Kontorstørrelse"}
    vlabels = {i.key: i.scale.value_labels() for i in items if i.scale.labels}
    vlabels |= {k: value_labels(k) for k in CODINGS}
    for alias, item in STUDY_ALIASES.items():
        if item in vlabels:
            vlabels[alias] = vlabels[item]
    return SurveyContext(survey, items, specs, indices, alphas, labels, vlabels)


def _pseudonyms(ids) -> list[str]:
    key = hashlib.sha256(f"insight-pseudonym:{settings.SECRET_KEY}".encode()).digest()[:32]
    blake = hashlib.blake2b
    return ["R" + blake((i.hex if not isinstance(i, str) else i.replace("-", "")).encode(), key=key,
                        digest_size=5).hexdigest() for i in ids]


def office_size_codes(wave: Wave) -> dict[int, int]:
    """The published study's office size: staff sent the questionnaire (0 = up to 25, 1 = 26-50,
    2 = 51-100, 3 = over 100); for offices with imported answers only, the answers count."""
    invited = dict(Invitation.objects.filter(wave=wave).values("office_id").annotate(n=Count("id"))
                   .values_list("office_id", "n"))
    answered = dict(Response.objects.filter(wave=wave).values("office_id").annotate(n=Count("id"))
                    .values_list("office_id", "n"))
    out = {}
    for office_id in set(invited) | set(answered):
        n = invited.get(office_id) or answered.get(office_id, 0)
        out[office_id] = 0 if n <= 25 else 1 if n <= 50 else 2 if n <= 100 else 3
    return out


def build_frame(rows, ctx: SurveyContext, office_size: dict[int, int] | None = None,
                office_numbers: dict[int, str] | None = None) -> pd.DataFrame:
    """Rows of (id, office_id, caseload, employer, role, gender, age_band, age, answers) -> the
    analysis frame: background coded as in the published study, items, indices, study aliases.
    Column-wise and vectorised (100,000 rows in well under a second)."""
    rows = list(rows)
    keys = ctx.item_keys
    if rows:
        ids, offices, caseload, employer, role, gender, band, age, answers = zip(*rows, strict=True)
    else:
        ids = offices = caseload = employer = role = gender = band = age = answers = ()
    if answers and all(isinstance(a, str) for a in answers):
        answers = json.loads("[" + ",".join(answers) + "]")  # one parse instead of one per row
    items = pd.DataFrame.from_records(list(answers), columns=keys).astype(float) if answers else pd.DataFrame(
        columns=keys, dtype=float)
    caseload_s = pd.Series(caseload, dtype=object)
    band_s = pd.Series(band, dtype=object)
    age_s = pd.Series(age, dtype=object)
    codes = {"role": {k: float(c) for c, (k, _l) in CODINGS["role"].items()},
             "age_band": {k: float(c) for c, (k, _l) in CODINGS["age_band"].items()}}
    df = pd.DataFrame({
        "respondent": _pseudonyms(ids),
        "caseload_code": caseload_s.map(CASELOAD_CODES | {"none": -1}).astype(float),
        "office": np.asarray(offices, dtype=np.int64),
        "caseload": caseload_s.map(CASELOAD_CODES).astype(float),
        "employer": pd.Series(employer, dtype=object).map(EMPLOYER_CODES).astype(float),
        "role": pd.Series(role, dtype=object).map(codes["role"]).astype(float),
        "gender": pd.Series(gender, dtype=object).map(GENDER_CODES).astype(float),
        "age_band": band_s.map(codes["age_band"]).astype(float),
        "age": pd.to_numeric(age_s, errors="coerce").fillna(band_s.map(AGE_BAND_MIDPOINTS)).astype(float),
    })
    df = pd.concat([df, items.reset_index(drop=True)], axis=1)
    if office_size is not None:
        df["office_size"] = df["office"].map(office_size).astype(float)
    if office_numbers is not None:
        df["office_number"] = df["office"].map(office_numbers)
    df = analysis.score_indices(df, ctx.indices)
    for alias, item in STUDY_ALIASES.items():
        if item in df.columns:
            df[alias] = df[item]
    return df


def _wave_rows(wave: Wave, office_ids=None):
    """Raw rows, without the ORM's per-row converters (UUID objects, one JSON parse per row):
    ids come as text (SQLite) or UUIDs (PostgreSQL), answers as text or already decoded."""
    qs = Response.objects.filter(wave=wave)
    if office_ids is not None:
        qs = qs.filter(office_id__in=list(office_ids))
    sql, params = qs.values_list("id", "office_id", "caseload", "employer", "role", "gender", "age_band", "age",
                                 "answers").query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        while chunk := cur.fetchmany(10000):
            yield from chunk


def wave_frame(wave: Wave, ctx: SurveyContext | None = None, office_ids=None) -> pd.DataFrame:
    """Internal: every response of the wave as an analysis frame. Callers apply the access and
    suppression rules (see ``respondent_data`` and ``reports``)."""
    ctx = ctx or survey_context(wave.survey)
    numbers = dict(wave.offices.values_list("pk", "number")) | dict(
        Office.objects.filter(pk__in=Response.objects.filter(wave=wave).values("office_id")).values_list("pk", "number"))
    return build_frame(_wave_rows(wave, office_ids), ctx, office_size_codes(wave), numbers)


def respondent_data(user, wave: Wave) -> tuple[pd.DataFrame, SurveyContext]:
    """Pseudonymised respondent rows, for analysts only."""
    if not access.can_see_respondent_data(user):
        raise AccessDenied(_("Bare analytikere ser data på respondentnivå."))
    ctx = survey_context(wave.survey)
    return wave_frame(wave, ctx), ctx



def respondent_table(user, wave_id: int) -> tuple[Wave, pd.DataFrame, SurveyContext]:
    """One wave's pseudonymised respondent rows (the respondents page, the data export): analysts only."""
    wave = wave_for(user, wave_id)
    frame, ctx = respondent_data(user, wave)
    return wave, frame, ctx


def wave_response_rates(user, wave_id: int) -> list[OfficeRate]:
    return response_rates(user, wave_for(user, wave_id))


# --- pages --------------------------------------------------------------------------------------

@dataclass
class HomePage:
    invitations: list[OpenInvitation]
    can_manage: bool
    can_edit_bank: bool
    sees_insight: bool
    waves: list[dict] = field(default_factory=list)
    surveys: list[Survey] = field(default_factory=list)


def home(user) -> HomePage:
    """The insight start page: the user's own open invitations and, for analysts and leaders, the
    waves they may see with response counts (a fixed number of queries, not three per wave)."""
    page = HomePage(invitations=my_invitations(user), can_manage=access.can_manage_surveys(user),
                    can_edit_bank=access.can_edit_item_bank(user), sees_insight=access.can_see_insight(user))
    if page.sees_insight:
        waves = list(waves_for(user)[:50])
        totals = wave_totals(user, waves)
        for w in waves:
            t = totals[w.pk]
            page.waves.append({"wave": w, "offices": t["offices"], "invited": t["invited"], "answered": t["answered"],
                               "rate": t["answered"] / t["invited"] if t["invited"] else None})
        page.surveys = list(surveys_for(user)[:50])
    return page


@dataclass
class Questionnaire:
    """A questionnaire by its one-time token; ``closed`` (with its status) when it cannot be answered.
    The page's context never holds the token (it travels in a cookie, not in the page)."""

    token: str
    invitation: Invitation | None = None
    closed: str = ""
    status: int = 200
    survey_items: list = field(default_factory=list)
    draft: ResponseDraft | None = None

    @property
    def item_keys(self) -> list[str]:
        return [si.item.key for si in self.survey_items]

    @property
    def background_keys(self) -> list[str]:
        return list(self.invitation.wave.survey.background) if self.invitation else []

    def context(self, answers: dict | None = None, background: dict | None = None, errors: dict | None = None) -> dict:
        """The page's questions grouped by instrument, with the given (or the draft's) answers."""
        inv = self.invitation
        if answers is None:
            answers = self.draft.answers if self.draft else {}
        if background is None:
            background = self.draft.background if self.draft else {}
        errors = errors or {}
        survey = inv.wave.survey
        groups: list[dict] = []
        current = None
        for si in self.survey_items:
            item = si.item
            if current is None or current["instrument"].pk != item.instrument_id:
                current = {"instrument": item.instrument, "questions": []}
                groups.append(current)
            scale = item.scale
            options = [(v, scale.label_for(v)) for v in scale.points] if scale.is_small else []
            value = answers.get(item.key)
            try:
                value = int(value) if value not in (None, "") else None
            except (TypeError, ValueError):
                value = None
            current["questions"].append({"item": item, "options": options, "value": value,
                                         "error": errors.get(item.key), "min": scale.min_value, "max": scale.max_value})
        bg = [{"key": k, "question": BACKGROUND_QUESTIONS[k][0], "choices": BACKGROUND_QUESTIONS[k][1],
               "value": background.get(k), "error": errors.get(k)} for k in survey.background if k in BACKGROUND_QUESTIONS]
        return {"survey": survey, "wave": inv.wave, "office": inv.office, "groups": groups, "background": bg,
                "errors": errors, "draft": self.draft}


def questionnaire(token: str) -> Questionnaire:
    """The questionnaire a token opens (no login: the token is the credential), with the saved
    draft; an unknown link is closed with 404, a spent one or a closed wave with 410."""
    from django.utils.translation import gettext as _

    try:
        inv = invitation_for_token(token)
    except NotFound as exc:
        return Questionnaire(token=token, closed=exc.message, status=404)
    if inv.used or not inv.wave.is_open():
        reason = _("Dette skjemaet er allerede sendt inn. Takk for svaret!") if inv.used else _(
            "Undersøkelsen er ikke åpen for svar nå.")
        return Questionnaire(token=token, invitation=inv, closed=reason, status=410)
    items = list(inv.wave.survey.survey_items.select_related("item__scale", "item__instrument").order_by("position", "id"))
    draft = draft_for(token)
    return Questionnaire(token=token, invitation=inv, survey_items=items, draft=draft)


@dataclass
class ItemBank:
    instruments: list[Instrument]
    items: list[Item]
    can_edit: bool


def item_bank(user) -> ItemBank:
    """The item bank with its instruments, items and indices: for analysts, leaders and administrators."""
    if not (access.can_see_insight(user) or access.can_edit_item_bank(user)):
        raise AccessDenied(_("Påstandsbanken er for analytikere og ledere."))
    instruments = list(Instrument.objects.prefetch_related("items__scale", "indices__items").order_by("key"))
    items = [i for inst in instruments for i in inst.items.all()]
    return ItemBank(instruments=instruments, items=items, can_edit=access.can_edit_item_bank(user))


def item_for_edit(user, key: str) -> tuple[Item, list[IndexDefinition]]:
    """One item and the indices that use it, for an analyst to edit."""
    item = Item.objects.select_related("scale", "instrument").filter(key=key).first()
    if item is None:
        raise NotFound(_("Fant ikke påstanden."))
    if not access.can_edit_item_bank(user):
        raise AccessDenied(_("Bare analytikere kan endre påstandsbanken."))
    return item, list(IndexDefinition.objects.filter(items=item))


def new_survey_items(user) -> list[str]:
    """The items a new survey starts with (the published study's instrument): analysts only."""
    if not access.can_manage_surveys(user):
        raise AccessDenied(_("Bare analytikere kan lage spørreundersøkelser."))
    return list(Item.objects.filter(instrument__key="individualisation_2018").values_list("key", flat=True))


def survey_for_new_wave(user, survey_id: int) -> Survey:
    if not access.can_manage_surveys(user):
        raise AccessDenied(_("Bare analytikere kan åpne runder."))
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        raise NotFound(_("Fant ikke undersøkelsen."))
    return survey


def _previous_wave(wave: Wave) -> Wave | None:
    return (Wave.objects.filter(survey=wave.survey, closes_at__lte=wave.opens_at).exclude(pk=wave.pk)
            .order_by("-closes_at").first())


def _office_choice(user, wave: Wave, raw: str | None) -> tuple[int | None, list[Office]]:
    """(office_id or None, offices the user may pick). Leaders must look at one of their offices."""
    offices = visible_offices(user, wave)
    raw = raw or ""
    office_id = int(raw) if raw.isascii() and raw.isdigit() else None  # "²".isdigit() is True, int("²") fails
    if office_id is not None and office_id not in {o.pk for o in offices}:
        raise AccessDenied(_("Du har ikke tilgang til tall for dette kontoret."))
    if office_id is None and not access.can_see_respondent_data(user):
        if not offices:
            raise AccessDenied(_("Du har ikke tilgang til tall for noen kontor i denne runden."))
        office_id = offices[0].pk
    return office_id, offices


def _report(user, wave: Wave, office_id: int | None) -> reports.Report:
    if office_id is not None and not access.can_see_survey_aggregates(user, office_id):
        raise AccessDenied(_("Du har ikke tilgang til tall for dette kontoret."))
    if office_id is None and not access.can_see_respondent_data(user):
        raise AccessDenied(_("Bare analytikere ser alle kontor samlet."))
    if not access.can_see_respondent_data(user) and not anonymity.results_released(wave):
        # a leader sees an office's results only once the wave has closed and everything is
        # released: one static snapshot that cannot be differenced over time (insight/anonymity.py)
        return reports.Report(title=f"{wave.survey.name}: {wave.label}", scope="leader", n=0, suppressed=True,
                              labels={}, notes=[anonymity.withheld_note()])
    ctx = survey_context(wave.survey)
    frame = wave_frame(wave, ctx)
    prev = _previous_wave(wave)
    prev_frame = wave_frame(prev, survey_context(prev.survey)) if prev else None
    names = dict(wave.offices.values_list("pk", "name"))
    title = f"{wave.survey.name}: {wave.label}"
    if office_id is not None:
        frame = frame[frame["office"] == office_id]
        if prev_frame is not None:
            prev_frame = prev_frame[prev_frame["office"] == office_id]
        title += f" – {names.get(office_id, office_id)}"
    scope = "analyst" if access.can_see_respondent_data(user) else "leader"
    return reports.build_report(frame, ctx, scope=scope, title=title, office_names=names, previous=prev_frame)


@dataclass
class WaveReport:
    wave: Wave
    report: reports.Report
    office_id: int | None
    offices: list[Office]
    rates: list[OfficeRate] = field(default_factory=list)
    can_manage: bool = False


def wave_report(user, wave_id: int, *, office: str | None = None) -> WaveReport:
    """A wave's analysis as the pages show it: for one office the user may see (``office`` as
    given in the address; a leader who names none gets their first office) or, for analysts,
    all offices together. Suppression (n < MIN_GROUP) is applied by the report."""
    wave = wave_for(user, wave_id)
    office_id, offices = _office_choice(user, wave, office)
    return WaveReport(wave=wave, report=_report(user, wave, office_id), office_id=office_id, offices=offices)


def wave_page(user, wave_id: int, *, office: str | None = None) -> WaveReport:
    page = wave_report(user, wave_id, office=office)
    page.rates = response_rates(user, page.wave)
    page.can_manage = access.can_manage_surveys(user)
    return page


def wave_report_api(user, wave_id: int, office_id: int | None) -> reports.Report:
    """The analysis for the API: a leader must name one of their offices."""
    wave = wave_for(user, wave_id)
    if office_id is None and not access.can_see_respondent_data(user):
        raise AccessDenied(_("Velg et av dine kontor (kontor=<id>)."))
    return _report(user, wave, office_id)


def results_for_export(user, wave_id: int, *, office: str | None = None) -> tuple[Wave, insight_io.Labelled]:
    """The report's figures as a table for download; nothing when the report is suppressed."""
    page = wave_report(user, wave_id, office=office)
    if page.report.suppressed:
        raise AccessDenied(_("Færre enn %(minimum)s svar: ingen resultater kan eksporteres.") % {"minimum": MIN_GROUP})
    return page.wave, insight_io.results_table(page.report)


def respondent_export(user, wave_id: int) -> tuple[Wave, insight_io.Labelled]:
    wave, frame, ctx = respondent_table(user, wave_id)
    return wave, insight_io.export_table(wave, frame, ctx)


@dataclass
class ImportPage:
    wave: Wave
    item_keys: list[str]


def import_page(user, wave_id: int) -> ImportPage:
    wave = wave_for(user, wave_id)
    if not access.can_manage_surveys(user):
        raise AccessDenied(_("Bare analytikere kan importere svar."))
    return ImportPage(wave=wave, item_keys=survey_context(wave.survey).item_keys)


def cached_replication(seed: int = 2021, matrix: str = "printed") -> replication.ReplicationReport:
    return replication.cached(seed=seed, matrix=matrix)  # computed once, until its inputs change


@dataclass
class ReplicationPage:
    rep: replication.ReplicationReport
    report: reports.Report


def replication_page(user) -> ReplicationPage:
    """The replication of the published study on synthetic data (no personal data): analysts,
    leaders and administrators."""
    from django.utils.translation import gettext as _

    if not (access.can_see_insight(user) or access.is_administrator(user)):
        raise AccessDenied(_("Replikasjonen er for analytikere og ledere."))
    rep = cached_replication()
    report = reports.build_report(replication.synthetic_frame(rep.synthetic), replication.study_context(), scope="analyst",
                                  title=_("Syntetiske data (N = 1377)"), spec=replication.STUDY_SPEC)
    return ReplicationPage(rep=rep, report=report)


def replication_corrected(user) -> tuple[replication.ReplicationReport, replication.ReplicationReport | None]:
    """The replication's part b from the appendix matrix with the diagnosed sign corrected (None
    when the printed matrix needs no correction). Same audience as the replication page."""
    from django.utils.translation import gettext as _

    if not (access.can_see_insight(user) or access.is_administrator(user)):
        raise AccessDenied(_("Replikasjonen er for analytikere og ledere."))
    rep = cached_replication()
    return rep, (cached_replication(matrix="corrected") if rep.misprint else None)
