"""Every write in the insight app: the item bank, surveys, waves, invitations, answers, imports.

Anonymity: ``submit_response`` marks the invitation used and writes a ``Response`` that has no
reference to the invitation, the token, the person or the time; the draft is deleted in the
same transaction. The audit entry for a submission names no actor and no object.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets

from django.db import IntegrityError, transaction

from skreddersy.core import clock, reference
from skreddersy.core.audit import audited_write
from skreddersy.core.errors import AccessDenied, Conflict, InvalidInput, NotFound
from skreddersy.core.models import Office, StaffMember
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
    Response,
    ResponseDraft,
    Scale,
    Survey,
    SurveyItem,
    Wave,
)
from skreddersy.insight.tokens import _token, invitation_for_token, token_for, token_hash  # noqa: F401
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
        _require(access.can_edit_item_bank(user), "Bare analytikere kan endre påstandsbanken.")
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
                    raise InvalidInput(f"Påstanden {it['key']} bruker en ukjent skala: {it['scale']}.", field="scale")
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
    _require(access.can_edit_item_bank(user), "Bare analytikere kan endre påstandsbanken.")
    if not isinstance(item, Item):
        found = Item.objects.select_related("instrument", "scale").filter(key=item).first()
        if found is None:
            raise NotFound("Fant ikke påstanden.")
        item = found
    text = (text or "").strip()
    if len(text) < 3:
        raise InvalidInput("Skriv ordlyden til påstanden.", field="text")
    with audited_write(user, None, "innsikt: påstand endret") as h:
        item.text, item.reverse, item.note = text, bool(reverse), note.strip()
        item.save(update_fields=["text", "reverse", "note"])
        h["obj"] = item
    return item


def update_index(*, user, index: IndexDefinition | str, label: str, item_keys: list[str], min_answered: int) -> IndexDefinition:
    """Change an index's label, items and the least number of answered items (``index``: the
    index or its key). Its items must share one answer scale."""
    _require(access.can_edit_item_bank(user), "Bare analytikere kan endre påstandsbanken.")
    if not isinstance(index, IndexDefinition):
        found = IndexDefinition.objects.filter(key=index).first()
        if found is None:
            raise NotFound("Fant ikke indeksen.")
        index = found
    items = list(Item.objects.filter(key__in=item_keys))
    if len(items) != len(set(item_keys)):
        raise InvalidInput("Ukjent påstand i indeksen.", field="items")
    if not items:
        raise InvalidInput("En indeks trenger minst én påstand.", field="items")
    scales = {(i.scale.min_value, i.scale.max_value) for i in items}
    if len(scales) > 1:
        raise InvalidInput("Påstandene i en indeks må ha samme svarskala.", field="items")
    if not 1 <= min_answered <= len(items):
        raise InvalidInput(f"Minste antall besvarte må være mellom 1 og {len(items)}.", field="min_answered")
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
    _require(access.can_manage_surveys(user), "Bare analytikere kan lage spørreundersøkelser.")
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Gi undersøkelsen et navn."
    items = {i.key: i for i in Item.objects.filter(key__in=item_keys)}
    unknown = [k for k in item_keys if k not in items]
    if unknown:
        errors["items"] = f"Ukjente påstander: {', '.join(unknown)}."
    elif not item_keys:
        errors["items"] = "Velg minst én påstand."
    bad_bg = [b for b in background if b not in BACKGROUND_QUESTIONS]
    if bad_bg:
        errors["background"] = f"Ukjente bakgrunnsspørsmål: {', '.join(bad_bg)}."
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
    _require(access.can_manage_surveys(user), "Bare analytikere kan åpne runder.")
    errors = {}
    if not (label or "").strip():
        errors["label"] = "Gi runden et navn."
    offices = list(Office.objects.filter(pk__in=office_ids).order_by("number"))
    if not offices or len(offices) != len(set(office_ids)):
        errors["offices"] = "Velg ett eller flere gyldige kontor."
    if opens_at is None or closes_at is None or closes_at <= opens_at:
        errors["closes_at"] = "Runden må stenge etter at den åpner."
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
            nonce = secrets.token_hex(16)
            rows.append(Invitation(wave=wave, staff_id=staff_id, office_id=office_id, nonce=nonce,
                                   token_hash=token_hash(_token(nonce))))
        Invitation.objects.bulk_create(rows, batch_size=1000)
        wave.invited = len(rows)  # for the page's message, without counting again
        h["obj"] = wave
    return wave


def close_wave(*, user, wave: Wave | int) -> Wave:
    _require(access.can_manage_surveys(user), "Bare analytikere kan stenge runder.")
    if not isinstance(wave, Wave):
        wave = selectors.wave_for(user, wave)
    now = clock.now()
    if wave.closes_at <= now:
        raise Conflict("Runden er allerede stengt.")
    with audited_write(user, None, "innsikt: runde stengt") as h:
        if wave.opens_at >= now:  # a planned round that never opened
            wave.opens_at = now - dt.timedelta(seconds=1)
        wave.closes_at = now
        wave.save(update_fields=["opens_at", "closes_at"])
        ResponseDraft.objects.filter(wave=wave).delete()
        h["obj"] = wave
    return wave


# --- answering ----------------------------------------------------------------------------------

def _check_open(inv: Invitation) -> None:
    if inv.used:
        raise Conflict("Dette skjemaet er allerede sendt inn. Takk for svaret!")
    if not inv.wave.is_open():
        raise Conflict("Undersøkelsen er ikke åpen for svar nå.")


def validate_answers(survey: Survey, answers: dict, background: dict, *, partial: bool) -> tuple[dict, dict]:
    """Clean answers (item key -> int within the item's scale) and background (key -> allowed
    code). Unanswered questions are allowed (nobody is forced to answer), unknown ones are not."""
    items = {si.item.key: si.item for si in survey.survey_items.select_related("item__scale")}
    errors: dict[str, str] = {}
    clean: dict[str, int] = {}
    for key, raw in (answers or {}).items():
        if key not in items:
            errors[key] = "Ukjent spørsmål."
            continue
        if raw in (None, ""):
            continue
        scale = items[key].scale
        try:
            value = int(raw)
        except (TypeError, ValueError):
            errors[key] = "Velg et av svaralternativene."
            continue
        if not scale.min_value <= value <= scale.max_value:
            errors[key] = f"Svaret må være mellom {scale.min_value} og {scale.max_value}."
            continue
        clean[key] = value
    bg: dict[str, str] = {}
    for key, raw in (background or {}).items():
        if key not in survey.background:
            errors[key] = "Ukjent bakgrunnsspørsmål."
            continue
        if raw in (None, ""):
            continue
        if raw not in BACKGROUND_VALUES[key]:
            errors[key] = "Velg et av svaralternativene."
            continue
        bg[key] = raw
    if errors:
        raise InvalidInput(next(iter(errors.values())), errors=errors)
    if not partial and not clean:
        raise InvalidInput("Svar på minst ett spørsmål før du sender inn.", field="answers")
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


def submit_response(*, token: str, answers: dict, background: dict) -> None:
    """Store the answers anonymously and spend the token. Returns nothing: the caller gets no
    handle on the stored answers either."""
    inv = invitation_for_token(token)
    _check_open(inv)
    clean, bg = validate_answers(inv.wave.survey, answers, background, partial=False)
    with audited_write(None, None, "innsikt: svar levert"):
        spent = Invitation.objects.filter(pk=inv.pk, used=False).update(used=True)
        if spent != 1:
            raise Conflict("Dette skjemaet er allerede sendt inn. Takk for svaret!")
        Response.objects.create(wave_id=inv.wave_id, office_id=inv.office_id, source="web", answers=clean,
                                caseload=bg.get("caseload", ""), employer=bg.get("employer", ""),
                                role=bg.get("role", ""), gender=bg.get("gender", ""), age_band=bg.get("age_band", ""))
        ResponseDraft.objects.filter(token_hash=inv.token_hash).delete()


# --- imports ------------------------------------------------------------------------------------

def import_responses(*, user, wave: Wave, rows: list[dict], filename: str) -> int:
    """Store already validated rows (see ``io.parse_import``) in one transaction: all or nothing."""
    from skreddersy.insight.models import ImportBatch

    _require(access.can_manage_surveys(user), "Bare analytikere kan importere svar.")
    refs = [r["external_ref"] for r in rows]
    clash = set(Response.objects.filter(wave=wave, external_ref__in=refs).values_list("external_ref", flat=True))
    if clash:
        first = next(i for i, r in enumerate(rows, start=1) if r["external_ref"] in clash)
        raise InvalidInput(f"Rad {first}, kolonne respondent: respondenten {rows[first - 1]['external_ref']} er "
                           "allerede importert i denne runden.", field="respondent")
    try:
        with audited_write(user, None, "innsikt: svar importert") as h:
            batch = ImportBatch.objects.create(wave=wave, filename=filename[:200], rows=len(rows), imported_by=user)
            Response.objects.bulk_create([Response(wave=wave, source="import", import_batch=batch, **r) for r in rows],
                                         batch_size=2000)
            h["obj"] = batch
    except IntegrityError:
        raise Conflict("Importen kolliderte med svar som ble lagret samtidig; ingenting ble importert. Prøv igjen.")
    return len(rows)


def import_file(*, user, wave: Wave, content: bytes, filename: str) -> int:
    """Read a CSV or .sav file, validate every row (error names row and column), then store all
    rows in one transaction, or none."""
    if not access.can_manage_surveys(user):
        raise AccessDenied("Bare analytikere kan importere svar.")
    ctx = selectors.survey_context(wave.survey)
    table = insight_io.read_table(content, filename)
    rows = insight_io.parse_import(
        table, item_scales={k: (s.min_value, s.max_value) for k, s in ctx.item_specs.items()},
        office_numbers=dict(wave.offices.values_list("number", "pk")))
    return import_responses(user=user, wave=wave, rows=rows, filename=filename)
