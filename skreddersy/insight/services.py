"""Every write in the insight app: the item bank, surveys, waves, invitations, answers, imports.

Anonymity (see docs/architecture.md, "Anonymous survey answers"):
- Tokens are random (``secrets.token_urlsafe``) and stored only as their SHA-256 hash; a fresh
  one is issued when the invited person opens the questionnaire from their own page.
- ``submit_response`` spends the invitation in one transaction (with the day-only audit entry
  and the draft's deletion) and seals the answers in a ``PendingResponse`` in another, with a
  random key and the day only. Neither row refers to the other.
- ``release_pending_responses`` (run periodically, and when a wave closes) moves sealed answers
  into ``Response`` in shuffled batches of at least ``RELEASE_BATCH`` per office, or all of them
  once the wave has closed, so reports move in steps of five or more and nothing orders or
  times a response against an invitation.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import secrets

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext

from skreddersy.core import clock, reference, suppression
from skreddersy.core.audit import WRITE, audited_write, record
from skreddersy.core.errors import AccessDenied, Conflict, InvalidInput, NotFound
from skreddersy.core.models import AuditEntry, Office, StaffMember
from skreddersy.insight import io as insight_io
from skreddersy.insight import selectors
from skreddersy.insight.io import STUDY_ALIASES  # noqa: F401  (re-exported for older callers)
from skreddersy.insight.models import (
    AGE_BAND_CHOICES,
    BACKGROUND_QUESTIONS,
    CASELOAD_CHOICES,
    EMPLOYER_CHOICES,
    GENDER_CHOICES,
    ROLE_CHOICES,
    IndexDefinition,
    Instrument,
    Invitation,
    Item,
    PendingResponse,
    Response,
    ResponseDraft,
    Scale,
    Survey,
    SurveyItem,
    Wave,
)
from skreddersy.insight.tokens import draft_for, invitation_for_token, new_token, token_hash  # noqa: F401
from skreddersy.policy import access

# scales the reference names on items without defining them
EXTRA_SCALES = {
    "count": {"min": 0, "max": 2000, "labels": {}, "note": "antall"},
    "percent_bands": {"min": 0, "max": 4, "labels": {"0": "0-9 %", "1": "10-29 %", "2": "30-49 %", "3": "50-69 %",
                                                      "4": "70-100 %"},
                      "note": "Båndene er plassholdere; kilden oppgir bare at om lag en tredel svarer 70-100 %."},
}

BACKGROUND_VALUES = {
    "caseload": {k for k, _ in CASELOAD_CHOICES}, "employer": {k for k, _ in EMPLOYER_CHOICES},
    "role": {k for k, _ in ROLE_CHOICES}, "gender": {k for k, _ in GENDER_CHOICES},
    "age_band": {k for k, _ in AGE_BAND_CHOICES},
}


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise AccessDenied(message)


# --- item bank ----------------------------------------------------------------------------------

def load_item_bank(*, user=None, data: dict | None = None) -> dict:
    """Create or update scales, instruments, items and indices from the reference
    ``instruments.json`` (idempotent: wording and flags follow the reference; an analyst's later
    edits are overwritten only when this is run again). Returns counts."""
    if user is not None:
        _require(access.can_edit_item_bank(user), gettext("Bare analytikere kan endre påstandsbanken."))
    data = data or reference.instruments()
    counts = {"scales": 0, "instruments": 0, "items": 0, "indices": 0}
    with audited_write(user, None, "innsikt: påstandsbank lastet"):
        scales = {}
        for key, s in data["scales"].items():
            pts = s["points"]
            lo, hi = min(pts), max(pts)
            labels = {str(p): lab for p, lab in zip(pts, s["labels_no"], strict=False)}
            scales[key], _ = Scale.objects.update_or_create(key=key, defaults={"min_value": lo, "max_value": hi,
                                                                                 "labels": labels})
        for key, s in EXTRA_SCALES.items():
            scales[key], _ = Scale.objects.update_or_create(key=key, defaults={
                "min_value": s["min"], "max_value": s["max"], "labels": s["labels"], "note": s["note"]})
        for inst in data["instruments"]:
            instrument, _ = Instrument.objects.update_or_create(key=inst["key"], defaults={
                "name": inst.get("name") or inst["key"].replace("_", " ").capitalize(), "source": inst.get("source", ""),
                "lead_text": inst.get("lead_no", ""), "note": inst.get("note", "")})
            counts["instruments"] += 1
            for pos, it in enumerate(inst["items"]):
                scale = scales.get(it["scale"])
                note = it.get("note", "")
                if "options_no" in it:  # an item with its own ordered options
                    scale, _ = Scale.objects.update_or_create(key=f"{it['key']}_options", defaults={
                        "min_value": 0, "max_value": len(it["options_no"]) - 1,
                        "labels": {str(i): o for i, o in enumerate(it["options_no"])}, "note": it.get("note", "")})
                elif "anchors_no" in it:
                    scale, _ = Scale.objects.update_or_create(key=f"{it['scale']}_{it['key']}", defaults={
                        "min_value": scale.min_value, "max_value": scale.max_value,
                        "labels": {str(k): v for k, v in it["anchors_no"].items()}})
                if scale is None:
                    raise InvalidInput(gettext("Påstanden %(key)s bruker en ukjent skala: %(scale)s.") % {"key": it['key'], "scale": it['scale']}, field="scale")
                Item.objects.update_or_create(key=it["key"], defaults={
                    "instrument": instrument, "text": it["text"], "scale": scale, "reverse": bool(it.get("reverse")),
                    "position": pos, "note": note})
                counts["items"] += 1
            for ix in inst.get("indices", []):
                n_items = len(ix["items"])
                index, _ = IndexDefinition.objects.update_or_create(key=ix["key"], defaults={
                    "instrument": instrument, "label": ix.get("label_no") or ix["key"].replace("_", " ").capitalize(),
                    "method": ix.get("method", "mean"), "min_answered": ix.get("min_answered") or max(1, math.ceil(n_items * 2 / 3)),
                    "published_alpha": ix.get("published_alpha")})
                index.items.set(Item.objects.filter(key__in=ix["items"]))
                counts["indices"] += 1
        counts["scales"] = Scale.objects.count()
    return counts


def update_item(*, user, item: Item | str, text: str, reverse: bool, note: str = "") -> Item:
    """Change an item's wording, direction or note (``item``: the item or its key)."""
    _require(access.can_edit_item_bank(user), gettext("Bare analytikere kan endre påstandsbanken."))
    if not isinstance(item, Item):
        found = Item.objects.select_related("instrument", "scale").filter(key=item).first()
        if found is None:
            raise NotFound(gettext("Fant ikke påstanden."))
        item = found
    text = (text or "").strip()
    if len(text) < 3:
        raise InvalidInput(gettext("Skriv ordlyden til påstanden."), field="text")
    with audited_write(user, None, "innsikt: påstand endret") as h:
        item.text, item.reverse, item.note = text, bool(reverse), note.strip()
        item.save(update_fields=["text", "reverse", "note"])
        h["obj"] = item
    return item


def update_index(*, user, index: IndexDefinition | str, label: str, item_keys: list[str], min_answered: int) -> IndexDefinition:
    """Change an index's label, items and the least number of answered items (``index``: the
    index or its key). Its items must share one answer scale."""
    _require(access.can_edit_item_bank(user), gettext("Bare analytikere kan endre påstandsbanken."))
    if not isinstance(index, IndexDefinition):
        found = IndexDefinition.objects.filter(key=index).first()
        if found is None:
            raise NotFound(gettext("Fant ikke indeksen."))
        index = found
    items = list(Item.objects.filter(key__in=item_keys))
    if len(items) != len(set(item_keys)):
        raise InvalidInput(gettext("Ukjent påstand i indeksen."), field="items")
    if not items:
        raise InvalidInput(gettext("En indeks trenger minst én påstand."), field="items")
    scales = {(i.scale.min_value, i.scale.max_value) for i in items}
    if len(scales) > 1:
        raise InvalidInput(gettext("Påstandene i en indeks må ha samme svarskala."), field="items")
    if not 1 <= min_answered <= len(items):
        raise InvalidInput(gettext("Minste antall besvarte må være mellom 1 og %(count)s.") % {"count": len(items)}, field="min_answered")
    with audited_write(user, None, "innsikt: indeks endret") as h:
        index.label, index.min_answered = label.strip() or index.key, min_answered
        index.save(update_fields=["label", "min_answered"])
        index.items.set(items)
        h["obj"] = index
    return index


# --- surveys and waves --------------------------------------------------------------------------

def default_analysis_spec(item_keys: list[str]) -> dict:
    """The published model when the survey carries its items; otherwise the first index as
    dependent and the other indices as one block."""
    keys = set(item_keys)
    study = {"ind_tailored", "pm_fill_slots", "pm_slot_access", "dcsq_time", "dcsq_conflict", "dcsq_load",
             "know_measures", "req_effective"}
    if study <= keys:
        return {"dependent": "individualisation", "distribution": "ind_tailored",
                "blocks": [["performance_management"], ["workload", "caseload", "office_size", "employer"],
                           ["requirements_effective", "measure_knowledge", "gender", "age"]]}
    indices = list(IndexDefinition.objects.filter(items__key__in=keys).distinct().values_list("key", flat=True))
    if len(indices) >= 2:
        return {"dependent": indices[0], "blocks": [indices[1:]], "distribution": item_keys[0]}
    return {"distribution": item_keys[0]} if item_keys else {}


def create_survey(*, user, name: str, item_keys: list[str], background: list[str], intro: str = "",
                  analysis_spec: dict | None = None) -> Survey:
    _require(access.can_manage_surveys(user), gettext("Bare analytikere kan lage spørreundersøkelser."))
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = gettext("Gi undersøkelsen et navn.")
    items = {i.key: i for i in Item.objects.filter(key__in=item_keys)}
    unknown = [k for k in item_keys if k not in items]
    if unknown:
        errors["items"] = gettext("Ukjente påstander: %(names)s.") % {"names": ', '.join(unknown)}
    elif not item_keys:
        errors["items"] = gettext("Velg minst én påstand.")
    bad_bg = [b for b in background if b not in BACKGROUND_QUESTIONS]
    if bad_bg:
        errors["background"] = gettext("Ukjente bakgrunnsspørsmål: %(names)s.") % {"names": ', '.join(bad_bg)}
    if errors:
        raise InvalidInput(next(iter(errors.values())), errors=errors)
    with audited_write(user, None, "innsikt: undersøkelse opprettet") as h:
        survey = Survey.objects.create(name=name, intro=intro.strip(), background=list(dict.fromkeys(background)),
                                       created_by=user, analysis_spec=analysis_spec or default_analysis_spec(item_keys))
        SurveyItem.objects.bulk_create([SurveyItem(survey=survey, item=items[k], position=i)
                                        for i, k in enumerate(dict.fromkeys(item_keys))])
        h["obj"] = survey
    return survey


def open_wave(*, user, survey: Survey, label: str, office_ids: list[int], opens_at, closes_at) -> Wave:
    """Open a round for the chosen offices and invite every staff member serving them (a
    person serving several chosen offices is invited once, for the first office by number)."""
    _require(access.can_manage_surveys(user), gettext("Bare analytikere kan åpne runder."))
    errors = {}
    if not (label or "").strip():
        errors["label"] = gettext("Gi runden et navn.")
    offices = list(Office.objects.filter(pk__in=office_ids).order_by("number"))
    if not offices or len(offices) != len(set(office_ids)):
        errors["offices"] = gettext("Velg ett eller flere gyldige kontor.")
    if opens_at is None or closes_at is None or closes_at <= opens_at:
        errors["closes_at"] = gettext("Runden må stenge etter at den åpner.")
    if errors:
        raise InvalidInput(next(iter(errors.values())), errors=errors)
    with audited_write(user, None, "innsikt: runde åpnet") as h:
        wave = Wave.objects.create(survey=survey, label=label.strip(), opens_at=opens_at, closes_at=closes_at)
        wave.offices.set(offices)
        invited: set[int] = set()
        rows = []
        office_ids_sorted = [o.pk for o in offices]
        staff = StaffMember.objects.filter(memberships__office_id__in=office_ids_sorted).values_list(
            "pk", "memberships__office_id")
        first_office: dict[int, int] = {}
        for staff_id, office_id in staff:
            if office_id in office_ids_sorted:
                cur = first_office.get(staff_id)
                if cur is None or office_ids_sorted.index(office_id) < office_ids_sorted.index(cur):
                    first_office[staff_id] = office_id
        for staff_id, office_id in sorted(first_office.items()):
            if staff_id in invited:
                continue
            invited.add(staff_id)
            # nobody keeps this token: the invited person gets a fresh one from issue_token
            rows.append(Invitation(wave=wave, staff_id=staff_id, office_id=office_id,
                                   token_hash=token_hash(new_token())))
        Invitation.objects.bulk_create(rows, batch_size=1000)
        wave.invited = len(rows)  # for the page's message, without counting again
        h["obj"] = wave
    return wave


def close_wave(*, user, wave: Wave | int) -> Wave:
    _require(access.can_manage_surveys(user), gettext("Bare analytikere kan stenge runder."))
    if not isinstance(wave, Wave):
        wave = selectors.wave_for(user, wave)
    now = clock.now()
    if wave.closes_at <= now:
        raise Conflict(gettext("Runden er allerede stengt."))
    with audited_write(user, None, "innsikt: runde stengt") as h:
        if wave.opens_at >= now:  # a planned round that never opened
            wave.opens_at = now - dt.timedelta(seconds=1)
        wave.closes_at = now
        wave.save(update_fields=["opens_at", "closes_at"])
        ResponseDraft.objects.filter(wave=wave).delete()
        h["obj"] = wave
    release_pending_responses(wave=wave)  # every sealed answer of the wave, in one shuffled batch
    return wave


# --- answering ----------------------------------------------------------------------------------

def _check_open(inv: Invitation) -> None:
    if inv.used:
        raise Conflict(gettext("Dette skjemaet er allerede sendt inn. Takk for svaret!"))
    if not inv.wave.is_open():
        raise Conflict(gettext("Undersøkelsen er ikke åpen for svar nå."))


def validate_answers(survey: Survey, answers: dict, background: dict, *, partial: bool) -> tuple[dict, dict]:
    """Clean answers (item key -> int within the item's scale) and background (key -> allowed
    code). Unanswered questions are allowed (nobody is forced to answer), unknown ones are not."""
    items = {si.item.key: si.item for si in survey.survey_items.select_related("item__scale")}
    errors: dict[str, str] = {}
    clean: dict[str, int] = {}
    for key, raw in (answers or {}).items():
        if key not in items:
            errors[key] = gettext("Ukjent spørsmål.")
            continue
        if raw in (None, ""):
            continue
        scale = items[key].scale
        try:
            value = int(raw)
        except (TypeError, ValueError):
            errors[key] = gettext("Velg et av svaralternativene.")
            continue
        if not scale.min_value <= value <= scale.max_value:
            errors[key] = gettext("Svaret må være mellom %(min_value)s og %(max_value)s.") % {"min_value": scale.min_value, "max_value": scale.max_value}
            continue
        clean[key] = value
    bg: dict[str, str] = {}
    for key, raw in (background or {}).items():
        if key not in survey.background:
            errors[key] = gettext("Ukjent bakgrunnsspørsmål.")
            continue
        if raw in (None, ""):
            continue
        if raw not in BACKGROUND_VALUES[key]:
            errors[key] = gettext("Velg et av svaralternativene.")
            continue
        bg[key] = raw
    if errors:
        raise InvalidInput(next(iter(errors.values())), errors=errors)
    if not partial and not clean:
        raise InvalidInput(gettext("Svar på minst ett spørsmål før du sender inn."), field="answers")
    return clean, bg


def save_draft(*, token: str, answers: dict, background: dict) -> ResponseDraft:
    inv = invitation_for_token(token)
    _check_open(inv)
    clean, bg = validate_answers(inv.wave.survey, answers, background, partial=True)
    with transaction.atomic():
        draft, _ = ResponseDraft.objects.update_or_create(
            token_hash=inv.token_hash, defaults={"wave": inv.wave, "answers": clean, "background": bg,
                                                 "saved_at": clock.now()})
    return draft


def issue_token(*, user, wave_id: int) -> str:
    """A fresh one-time token for the acting staff member's own invitation to an open wave.
    The previous token stops working (its hash is replaced; a saved draft follows the new one).
    The caller hands the token to the browser and keeps it out of URLs and logs."""
    staff = access.actor(user).staff
    if staff is None:
        raise AccessDenied(gettext("Bare Nav-ansatte blir invitert til spørreundersøkelser."))
    inv = Invitation.objects.select_related("wave").filter(wave_id=wave_id, staff=staff).first()
    if inv is None:
        raise NotFound(gettext("Du er ikke invitert til denne runden."))
    _check_open(inv)
    token = new_token()
    new_hash = token_hash(token)
    with transaction.atomic():
        if Invitation.objects.filter(pk=inv.pk, used=False).update(token_hash=new_hash) != 1:
            raise Conflict(gettext("Dette skjemaet er allerede sendt inn. Takk for svaret!"))
        ResponseDraft.objects.filter(token_hash=inv.token_hash).update(token_hash=new_hash)
    return token


def _start_of_day(now: dt.datetime) -> dt.datetime:
    day = timezone.localdate(now)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def submit_response(*, token: str, answers: dict, background: dict) -> None:
    """Spend the token and seal the answers. Returns nothing: the caller gets no handle on the
    stored answers either.

    Two transactions that refer to nothing in each other: (1) the invitation is marked used,
    its draft deleted and an audit entry written with the day only (no actor, no object);
    (2) the answers go into ``PendingResponse`` with a random key and the day only, under a
    lock on the wave so that nothing is sealed after the wave's last release. Answers reach
    ``Response`` only through ``release_pending_responses``."""
    inv = invitation_for_token(token)
    _check_open(inv)
    clean, bg = validate_answers(inv.wave.survey, answers, background, partial=False)
    now = clock.now()
    with transaction.atomic():
        if Invitation.objects.filter(pk=inv.pk, used=False).update(used=True) != 1:
            raise Conflict(gettext("Dette skjemaet er allerede sendt inn. Takk for svaret!"))
        ResponseDraft.objects.filter(token_hash=inv.token_hash).delete()
        AuditEntry.objects.create(at=_start_of_day(now), actor=None, client_id=None, action=WRITE,
                                  what="innsikt: svar levert")
    try:
        with transaction.atomic():
            wave = Wave.objects.select_for_update().get(pk=inv.wave_id)
            if not wave.is_open():
                raise Conflict(gettext("Undersøkelsen er ikke åpen for svar nå."))
            PendingResponse.objects.create(wave_id=inv.wave_id, office_id=inv.office_id,
                                           received_on=timezone.localdate(now), answers=clean, background=bg)
    except Conflict:
        # the wave closed between the two steps: give the invitation back, store nothing
        Invitation.objects.filter(pk=inv.pk).update(used=False)
        raise


RELEASE_BATCH = max(5, suppression.MIN_GROUP)
_shuffle = secrets.SystemRandom().shuffle


def _content_key(r: Response) -> str:
    return json.dumps([r.answers, r.caseload, r.employer, r.role, r.gender, r.age_band], sort_keys=True)


def release_pending_responses(*, wave: Wave | None = None, now: dt.datetime | None = None) -> int:
    """Move sealed answers into ``Response``: for each wave and office, all of them once there
    are at least ``RELEASE_BATCH`` (so every figure moves in steps of five or more), or all of
    them when the wave has closed. Rows are written in a random order with random keys, in one
    transaction per call; on PostgreSQL the same transaction rewrites the wave's spent
    invitations, so no invitation keeps the transaction id of its own submission. Returns the
    number released.

    Meant to run periodically (``manage.py release_pending_responses``; a periodic task once the
    task framework is in) and runs when a wave is closed. Safe to run at any time and twice."""
    now = now or clock.now()
    pending = PendingResponse.objects.all()
    if wave is not None:
        pending = pending.filter(wave=wave)
    released = 0
    with transaction.atomic():
        wave_ids = sorted(set(pending.values_list("wave_id", flat=True)))
        if not wave_ids:
            return 0
        waves = {w.pk: w for w in Wave.objects.select_for_update().filter(pk__in=wave_ids).order_by("pk")}
        groups = (pending.filter(wave_id__in=wave_ids).values("wave_id", "office_id").annotate(n=Count("id"))
                  .order_by("wave_id", "office_id"))
        due = [(g["wave_id"], g["office_id"]) for g in groups
               if waves[g["wave_id"]].closes_at <= now or g["n"] >= RELEASE_BATCH]
        rows, spent_ids, touched = [], [], set()
        for wave_id, office_id in due:
            for p in PendingResponse.objects.filter(wave_id=wave_id, office_id=office_id):
                bg = p.background or {}
                rows.append(Response(wave_id=wave_id, office_id=office_id, source="web", answers=p.answers,
                                     caseload=bg.get("caseload", ""), employer=bg.get("employer", ""),
                                     role=bg.get("role", ""), gender=bg.get("gender", ""),
                                     age_band=bg.get("age_band", "")))
                spent_ids.append(p.pk)
            touched.add(wave_id)
        if not rows:
            return 0
        # canonical order first (by content), then a shuffle from the system's random source:
        # the stored order depends on neither the order of arrival nor the pending rows' keys
        rows.sort(key=_content_key)
        _shuffle(rows)
        Response.objects.bulk_create(rows, batch_size=1000)
        PendingResponse.objects.filter(pk__in=spent_ids).delete()
        Invitation.objects.filter(wave_id__in=touched, used=True).update(used=True)
        released = len(rows)
        record(None, None, WRITE, "innsikt: svar frigitt", why=f"{released} svar")
    return released


# --- imports ------------------------------------------------------------------------------------

def import_responses(*, user, wave: Wave, rows: list[dict], filename: str) -> int:
    """Store already validated rows (see ``io.parse_import``) in one transaction: all or nothing."""
    from skreddersy.insight.models import ImportBatch

    _require(access.can_manage_surveys(user), gettext("Bare analytikere kan importere svar."))
    refs = [r["external_ref"] for r in rows]
    clash = set(Response.objects.filter(wave=wave, external_ref__in=refs).values_list("external_ref", flat=True))
    if clash:
        first = next(i for i, r in enumerate(rows, start=1) if r["external_ref"] in clash)
        raise InvalidInput(gettext("Rad %(first)s, kolonne respondent: respondenten %(ref)s er allerede importert i denne runden.") % {"first": first, "ref": rows[first - 1]['external_ref']}, field="respondent")
    try:
        with audited_write(user, None, "innsikt: svar importert") as h:
            batch = ImportBatch.objects.create(wave=wave, filename=filename[:200], rows=len(rows), imported_by=user)
            Response.objects.bulk_create([Response(wave=wave, source="import", import_batch=batch, **r) for r in rows],
                                         batch_size=2000)
            h["obj"] = batch
    except IntegrityError:
        raise Conflict(gettext("Importen kolliderte med svar som ble lagret samtidig; ingenting ble importert. Prøv igjen."))
    return len(rows)


def import_file(*, user, wave: Wave, content: bytes, filename: str) -> int:
    """Read a CSV or .sav file, validate every row (error names row and column), then store all
    rows in one transaction, or none."""
    if not access.can_manage_surveys(user):
        raise AccessDenied(gettext("Bare analytikere kan importere svar."))
    ctx = selectors.survey_context(wave.survey)
    table = insight_io.read_table(content, filename)
    rows = insight_io.parse_import(
        table, item_scales={k: (s.min_value, s.max_value) for k, s in ctx.item_specs.items()},
        office_numbers=dict(wave.offices.values_list("number", "pk")))
    return import_responses(user=user, wave=wave, rows=rows, filename=filename)
