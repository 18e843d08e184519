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

from django.utils.translation import gettext as _

from skreddersy.core import clock, reference
from skreddersy.core.errors import InvalidInput
from skreddersy.measures.models import MeasureType, validate_type_fields

REQUIRED = ("code", "name_no", "eligible_groups", "addresses")
KNOWN = set(REQUIRED) | {"arena_code", "kind", "typical_weeks", "max_weeks", "description", "priority_groups",
                         "min_age", "max_age", "active", "name_en"}  # name_en: read by core.reference, not stored


@dataclass(frozen=True)
class TypeRow:
    code: str
    values: dict


def parse_rows(data) -> list[TypeRow]:
    """Validate every row; raise InvalidInput naming the first bad rows and fields. Pure: no writes."""
    if isinstance(data, dict):
        rows = data.get("types")
        if rows is None:
            raise InvalidInput(_("Filen mangler listen «types»."), field="types")
    else:
        rows = data
    if not isinstance(rows, list) or not rows:
        raise InvalidInput(_("Katalogen må være en ikke-tom liste av tiltakstyper."), field="types")
    errors: dict[str, str] = {}
    parsed: list[TypeRow] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        where = f"types[{i}]"
        if not isinstance(row, dict):
            errors[where] = _("Raden må være et objekt.")
            continue
        missing = [f for f in REQUIRED if f not in row]
        for f in missing:
            errors[f"{where}.{f}"] = _("Feltet mangler.")
        unknown = sorted(set(row) - KNOWN)
        for f in unknown:
            errors[f"{where}.{f}"] = _("Ukjent felt.")
        values = {
            "code": row.get("code"), "arena_code": row.get("arena_code") or "", "name": row.get("name_no"),
            "kind": row.get("kind") or "", "description": row.get("description") or "",
            "typical_weeks": row.get("typical_weeks"), "max_weeks": row.get("max_weeks"),
            "eligible_groups": row.get("eligible_groups"), "addresses": row.get("addresses"),
            "priority_groups": row.get("priority_groups") or [], "min_age": row.get("min_age"),
            "max_age": row.get("max_age"), "active": row.get("active", True),
        }
        if not isinstance(values["active"], bool):
            errors[f"{where}.active"] = _("Må være true eller false.")
        for f in ("arena_code", "kind", "description"):
            if not isinstance(values[f], str):
                errors[f"{where}.{f}"] = _("Må være tekst.")
        for f, reason in validate_type_fields(values).items():
            if f"{where}.{'name_no' if f == 'name' else f}" not in errors:
                errors[f"{where}.{'name_no' if f == 'name' else f}"] = reason
        code = values["code"]
        if isinstance(code, str):
            if code in seen:
                errors[f"{where}.code"] = _("Koden %(code)s finnes også i rad %(row)s.") % {"code": code, "row": seen[code]}
            seen.setdefault(code, i)
            parsed.append(TypeRow(code=code, values=values))
    if errors:
        first = next(iter(errors))
        raise InvalidInput(_("Katalogen er ikke importert: %(count)s feil, første i %(first)s: %(error)s") % {"count": len(errors), "first": first, "error": errors[first]}, errors=errors)
    return parsed


def load_text(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(_("Filen er ikke gyldig JSON (linje %(lineno)s, kolonne %(colno)s): %(msg)s.") % {"lineno": exc.lineno, "colno": exc.colno, "msg": exc.msg}, field="file")


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


def _name_keys(name: str) -> set[str]:
    """A type's name and its short name (before " / " or " ("), with and without "Tiltak: ", case aside."""
    name = name.strip()
    short = name.split(" / ")[0].split(" (")[0].strip()
    keys = {name.casefold(), short.casefold()}
    return keys | {f"tiltak: {k}" for k in keys}


def link_measure_activities(*, titles: dict[str, str] | None = None, batch: int = 500) -> int:
    """Name the measure type on measure activities that have none, where the title says which: a
    type's name or short name that belongs to one type only, or ``titles`` (title -> type code, for
    the seed's own titles). The same rule as followup's migration 0009 (which keeps its own copy).
    Returns the number of activities set."""
    from skreddersy.followup.models import Activity

    owners: dict[str, set[int]] = {}
    by_code = {}
    for pk, code, name in MeasureType.objects.values_list("pk", "code", "name"):
        by_code[code] = pk
        for key in _name_keys(name):
            owners.setdefault(key, set()).add(pk)
    for title, code in (titles or {}).items():
        if code in by_code:
            owners[title.strip().casefold()] = {by_code[code]}
    todo = Activity.objects.filter(type=Activity.Type.MEASURE, measure_type__isnull=True)
    by_type: dict[int, list[str]] = {}
    for title in todo.values_list("title", flat=True).distinct().order_by():
        match = owners.get(title.strip().casefold(), set())
        if len(match) == 1:
            by_type.setdefault(next(iter(match)), []).append(title)
    n = 0
    for type_id, names in sorted(by_type.items()):
        for i in range(0, len(names), batch):
            n += todo.filter(title__in=names[i:i + batch]).update(measure_type_id=type_id)
    return n
