"""The measure-type catalogue: strict validation and import.

An import is all or nothing: every row is validated first, and one bad row (named by its index
and field) means nothing is written. The reference file ``tiltakstyper.json`` has the format
``{"types": [{"code", "name_no", "eligible_groups", "addresses", ...}]}``; a bare list of rows is
accepted too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from skreddersy.core import reference
from skreddersy.core.errors import InvalidInput

REQUIRED = ("code", "name_no", "eligible_groups", "addresses")
KNOWN = set(REQUIRED) | {"arena_code", "kind", "typical_weeks", "max_weeks", "description", "priority_groups",
                         "min_age", "max_age", "active"}


def _groups() -> list[str]:
    return list(reference.need_groups())


def _domains() -> list[str]:
    return list(reference.needs_domains())


def validate_type_fields(values: dict) -> dict[str, str]:
    """Field -> Norwegian reason for each problem in one type's values (empty when valid)."""
    from skreddersy.measures.models import PRIORITY_GROUP_ORDER

    errors: dict[str, str] = {}
    code = values.get("code")
    if not isinstance(code, str) or not code.strip():
        errors["code"] = "Koden mangler."
    elif len(code) > 60 or not all(ch.isalnum() or ch == "_" for ch in code):
        errors["code"] = "Koden kan bare ha bokstaver, tall og understrek (maks 60 tegn)."
    name = values.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["name"] = "Navnet mangler."
    groups, domains = _groups(), _domains()
    eg = values.get("eligible_groups")
    if not isinstance(eg, list) or not eg:
        errors["eligible_groups"] = "Oppgi minst én innsatsgruppe som en liste."
    elif bad := [g for g in eg if g not in groups]:
        errors["eligible_groups"] = f"Ukjent innsatsgruppe: {', '.join(map(str, bad))}."
    ad = values.get("addresses")
    if not isinstance(ad, list) or not ad:
        errors["addresses"] = "Oppgi minst ett behovsområde som en liste."
    elif bad := [d for d in ad if d not in domains]:
        errors["addresses"] = f"Ukjent behovsområde: {', '.join(map(str, bad))}."
    pg = values.get("priority_groups") or []
    if not isinstance(pg, list):
        errors["priority_groups"] = "Prioriterte grupper må være en liste."
    elif bad := [g for g in pg if g not in PRIORITY_GROUP_ORDER]:
        errors["priority_groups"] = f"Ukjent prioritert gruppe: {', '.join(map(str, bad))}."
    for f in ("typical_weeks", "max_weeks", "min_age", "max_age"):
        v = values.get(f)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0 or v > 1000):
            errors[f] = "Må være et helt tall fra 0 til 1000, eller tomt."
    tw, mw = values.get("typical_weeks"), values.get("max_weeks")
    if "typical_weeks" not in errors and "max_weeks" not in errors and tw and mw and mw < tw:
        errors["max_weeks"] = "Maks varighet kan ikke være kortere enn typisk varighet."
    lo, hi = values.get("min_age"), values.get("max_age")
    if "min_age" not in errors and "max_age" not in errors and lo is not None and hi is not None and hi < lo:
        errors["max_age"] = "Høyeste alder kan ikke være lavere enn minstealder."
    return errors


@dataclass(frozen=True)
class TypeRow:
    code: str
    values: dict


def parse_rows(data) -> list[TypeRow]:
    """Validate every row; raise InvalidInput naming the first bad rows and fields. Pure: no writes."""
    if isinstance(data, dict):
        rows = data.get("types")
        if rows is None:
            raise InvalidInput("Filen mangler listen «types».", field="types")
    else:
        rows = data
    if not isinstance(rows, list) or not rows:
        raise InvalidInput("Katalogen må være en ikke-tom liste av tiltakstyper.", field="types")
    errors: dict[str, str] = {}
    parsed: list[TypeRow] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        where = f"types[{i}]"
        if not isinstance(row, dict):
            errors[where] = "Raden må være et objekt."
            continue
        missing = [f for f in REQUIRED if f not in row]
        for f in missing:
            errors[f"{where}.{f}"] = "Feltet mangler."
        unknown = sorted(set(row) - KNOWN)
        for f in unknown:
            errors[f"{where}.{f}"] = "Ukjent felt."
        values = {
            "code": row.get("code"), "arena_code": row.get("arena_code") or "", "name": row.get("name_no"),
            "kind": row.get("kind") or "", "description": row.get("description") or "",
            "typical_weeks": row.get("typical_weeks"), "max_weeks": row.get("max_weeks"),
            "eligible_groups": row.get("eligible_groups"), "addresses": row.get("addresses"),
            "priority_groups": row.get("priority_groups") or [], "min_age": row.get("min_age"),
            "max_age": row.get("max_age"), "active": row.get("active", True),
        }
        if not isinstance(values["active"], bool):
            errors[f"{where}.active"] = "Må være true eller false."
        for f in ("arena_code", "kind", "description"):
            if not isinstance(values[f], str):
                errors[f"{where}.{f}"] = "Må være tekst."
        for f, reason in validate_type_fields(values).items():
            if f"{where}.{'name_no' if f == 'name' else f}" not in errors:
                errors[f"{where}.{'name_no' if f == 'name' else f}"] = reason
        code = values["code"]
        if isinstance(code, str):
            if code in seen:
                errors[f"{where}.code"] = f"Koden {code} finnes også i rad {seen[code]}."
            seen.setdefault(code, i)
            parsed.append(TypeRow(code=code, values=values))
    if errors:
        first = next(iter(errors))
        raise InvalidInput(f"Katalogen er ikke importert: {len(errors)} feil, første i {first}: {errors[first]}", errors=errors)
    return parsed


def load_text(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"Filen er ikke gyldig JSON (linje {exc.lineno}, kolonne {exc.colno}): {exc.msg}.", field="file")


def import_types(rows: list[TypeRow], *, deactivate_missing: bool = False) -> dict:
    """Create or update the types (in the caller's transaction). Returns counts."""
    from skreddersy.core import clock
    from skreddersy.measures.models import MeasureType

    existing = {t.code: t for t in MeasureType.objects.all()}
    created = updated = 0
    now = clock.now()
    for row in rows:
        obj = existing.get(row.code)
        if obj is None:
            MeasureType.objects.create(updated_at=now, **row.values)
            created += 1
        else:
            changed = False
            for k, v in row.values.items():
                if getattr(obj, k) != v:
                    setattr(obj, k, v)
                    changed = True
            if changed:
                obj.updated_at = now
                obj.save()
                updated += 1
    deactivated = 0
    if deactivate_missing:
        codes = {r.code for r in rows}
        deactivated = MeasureType.objects.exclude(code__in=codes).filter(active=True).update(active=False)
    return {"created": created, "updated": updated, "unchanged": len(rows) - created - updated, "deactivated": deactivated}


def reference_rows() -> list[TypeRow]:
    return parse_rows({"types": reference.measure_types()})
