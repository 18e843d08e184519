"""The measure-type catalogue: strict validation and import.

An import is all or nothing: every row is validated first, and one bad row (named by its index
and field) means nothing is written. The reference file ``tiltakstyper.json`` has the format
``{"types": [{"code", "name_no", "eligible_groups", "addresses", ...}]}``; a bare list of rows is
accepted too. The rules for one type's fields live with the model
(``models.validate_type_fields``, also used by ``MeasureType.clean``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from skreddersy.core import clock, reference
from skreddersy.core.errors import InvalidInput
from skreddersy.measures.models import MeasureType, validate_type_fields

REQUIRED = ("code", "name_no", "eligible_groups", "addresses")
KNOWN = set(REQUIRED) | {"arena_code", "kind", "typical_weeks", "max_weeks", "description", "priority_groups",
                         "min_age", "max_age", "active"}


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
