"""Files in and out: CSV and SPSS ``.sav`` (pyreadstat) with variable and value labels.

One numeric coding for background variables is shared by export and import, so an exported
file can be imported again (into another installation, or after cleaning in SPSS).

Import file layout: one row per respondent; columns ``respondent`` (the id in the source
system, pseudonymous, unique), ``office`` (office number, one of the wave's offices), the
survey's item keys (integers on the item's scale; empty = not answered) and optionally the
background columns below. A bad file gets an error naming the row and the column, and nothing
is imported.
"""

from __future__ import annotations

import io as _io
import os
import tempfile
from dataclasses import dataclass, field

from django.utils.translation import gettext

from skreddersy.core.errors import InvalidInput
from skreddersy.core.lazy import numpy as np  # the analysis stack loads on first use (core/lazy.py)
from skreddersy.core.lazy import pandas as pd
from skreddersy.core.lazy import pyreadstat
from skreddersy.insight.models import AGE_BAND_CHOICES, CASELOAD_CHOICES, GENDER_CHOICES, ROLE_CHOICES

# numeric code <-> stored key, with the label written to SPSS
CODINGS: dict[str, dict[int, tuple[str, str]]] = {
    "caseload": {-1 if k == "none" else i - 1: (k, str(lab)) for i, (k, lab) in enumerate(CASELOAD_CHOICES)},
    "employer": {0: ("municipal", "Kommunalt tilsatt"), 1: ("state", "Statlig tilsatt")},
    "gender": {0: ("woman", "Kvinne"), 1: ("man", "Mann"), 2: ("other", "Annet / vil ikke svare")},
    "role": {i + 1: (k, str(lab)) for i, (k, lab) in enumerate(ROLE_CHOICES)},
    "age_band": {i + 1: (k, str(lab)) for i, (k, lab) in enumerate(AGE_BAND_CHOICES)},
}
BACKGROUND_LABELS = {
    "caseload": "Bruker-veileder-ratio (0 = under 25 ... 6 = over 150, -1 = ingen)",
    "employer": "Tilsettingsforhold (1 = statlig)",
    "gender": "Kjønn (1 = mann)",
    "role": "Hovedrolle",
    "age_band": "Aldersgruppe",
    "age": "Alder (år)",
    "respondent": "Respondent (pseudonym)",
    "office": "Nav-kontor (enhetsnummer)",
    "office_size": "Kontorstørrelse (0 = inntil 25 inviterte ... 3 = over 100)",
}
# the published study's names for three items, kept as extra columns of the analysis frame
STUDY_ALIASES = {"individualisation": "ind_tailored", "measure_knowledge": "know_measures",
                 "requirements_effective": "req_effective"}
_GENDER_KEYS = {k for k, _ in GENDER_CHOICES}
REQUIRED = ("respondent", "office")
OPTIONAL = ("caseload", "employer", "gender", "role", "age_band", "age")


def key_of(variable: str, code: int) -> str | None:
    pair = CODINGS[variable].get(code)
    return pair[0] if pair else None


def value_labels(variable: str) -> dict[int, str]:
    return {code: lab for code, (_, lab) in CODINGS[variable].items()}


# --- export -------------------------------------------------------------------------------------

@dataclass
class Labelled:
    """A data frame with SPSS variable labels and value labels."""

    frame: pd.DataFrame
    variable_labels: dict[str, str]
    value_labels: dict[str, dict[int, str]]
    measures: dict[str, str] = field(default_factory=dict)  # column -> nominal, ordinal or scale


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8-sig")  # BOM: Excel opens æøå correctly


def to_sav_bytes(data: Labelled) -> bytes:
    df = data.frame.copy()
    for col in df.columns:
        if df[col].dtype == bool:
            df[col] = df[col].astype(int)
    labels = [data.variable_labels.get(c, c)[:256] for c in df.columns]
    vl = {c: {float(k): v for k, v in m.items()} for c, m in data.value_labels.items() if c in df.columns}
    fd, path = tempfile.mkstemp(suffix=".sav")
    os.close(fd)
    try:
        measures = {c: m for c, m in data.measures.items() if c in df.columns}
        pyreadstat.write_sav(df, path, column_labels=labels, variable_value_labels=vl,
                             variable_measure=measures or None)
        with open(path, "rb") as fh:
            return fh.read()
    finally:
        os.unlink(path)


def read_sav_bytes(content: bytes) -> tuple[pd.DataFrame, object]:
    fd, path = tempfile.mkstemp(suffix=".sav")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        return pyreadstat.read_sav(path)
    finally:
        os.unlink(path)


# --- import -------------------------------------------------------------------------------------

def read_table(content: bytes, filename: str) -> pd.DataFrame:
    name = (filename or "").lower()
    try:
        if name.endswith(".sav"):
            df, _ = read_sav_bytes(content)
            return df
        if name.endswith(".csv") or name.endswith(".txt"):
            text = content.decode("utf-8-sig")
            sep = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
            return pd.read_csv(_io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except UnicodeDecodeError:
        raise InvalidInput(gettext("Filen er ikke UTF-8-kodet tekst. Lagre CSV-filen som UTF-8."), field="file")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InvalidInput(gettext("CSV-filen kan ikke leses: %(error)s") % {"error": str(exc).splitlines()[0]}, field="file")
    except pyreadstat.ReadstatError as exc:
        raise InvalidInput(gettext("SPSS-filen kan ikke leses: %(error)s") % {"error": exc}, field="file")
    raise InvalidInput(gettext("Velg en CSV-fil (.csv) eller en SPSS-fil (.sav)."), field="file")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        if np.isfinite(value) and value == int(value):
            return str(int(value))
    return str(value).strip()


def _int(value: str, row: int, col: str) -> int:
    try:
        f = float(value.replace(",", "."))
    except ValueError:
        raise InvalidInput(gettext("Rad %(row)s, kolonne %(col)s: «%(value)s» er ikke et tall.") % {"row": row, "col": col, "value": value[:20]}, field=col)
    if not np.isfinite(f):  # "nan", "inf", "1e400": float() reads them, int() cannot
        raise InvalidInput(gettext("Rad %(row)s, kolonne %(col)s: «%(value)s» er ikke et tall.") % {"row": row, "col": col, "value": value[:20]}, field=col)
    if f != int(f):
        raise InvalidInput(gettext("Rad %(row)s, kolonne %(col)s: %(value)s er ikke et heltall.") % {"row": row, "col": col, "value": value}, field=col)
    return int(f)


def parse_import(table: pd.DataFrame, *, item_scales: dict[str, tuple[int, int]], office_numbers: dict[str, int],
                 max_rows: int = 200_000) -> list[dict]:
    """Validate every row; return Response field dicts, or raise InvalidInput naming the first
    bad row (1 = first data row) and column. Nothing is stored here."""
    cols = [str(c).strip() for c in table.columns]
    table.columns = cols
    dup_cols = sorted({c for c in cols if cols.count(c) > 1})
    if dup_cols:
        raise InvalidInput(gettext("Kolonnen %(column)s finnes mer enn én gang.") % {"column": dup_cols[0]}, field=dup_cols[0])
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise InvalidInput(gettext("Kolonnen %(column)s mangler. Påkrevde kolonner: %(names)s.") % {"column": missing[0], "names": ', '.join(REQUIRED)}, field=missing[0])
    known = set(REQUIRED) | set(OPTIONAL) | set(item_scales)
    unknown = [c for c in cols if c not in known]
    if unknown:
        raise InvalidInput(gettext("Ukjent kolonne: %(column)s. Kolonnene må være respondent, office, bakgrunnsvariabler og undersøkelsens påstandsnøkler.") % {"column": unknown[0]}, field=unknown[0])
    items = [c for c in cols if c in item_scales]
    if not items:
        raise InvalidInput(gettext("Filen har ingen kolonner med påstandene i denne undersøkelsen."), field="file")
    if len(table) == 0:
        raise InvalidInput(gettext("Filen har ingen rader med svar."), field="file")
    if len(table) > max_rows:
        raise InvalidInput(gettext("Filen har %(rows)s rader; største import er %(max_rows)s.") % {"rows": len(table), "max_rows": max_rows}, field="file")
    out: list[dict] = []
    seen: dict[str, int] = {}
    records = table.to_dict(orient="records")
    for row_no, rec in enumerate(records, start=1):
        ref = _cell(rec["respondent"])
        if not ref:
            raise InvalidInput(gettext("Rad %(row_no)s, kolonne respondent: mangler respondent-id.") % {"row_no": row_no}, field="respondent")
        if len(ref) > 64:
            raise InvalidInput(gettext("Rad %(row_no)s, kolonne respondent: id-en er lengre enn 64 tegn.") % {"row_no": row_no}, field="respondent")
        if ref in seen:
            raise InvalidInput(gettext("Rad %(row_no)s, kolonne respondent: respondenten %(ref)s finnes også i rad %(seen)s (duplikat).") % {"row_no": row_no, "ref": ref, "seen": seen[ref]}, field="respondent")
        seen[ref] = row_no
        office = _cell(rec["office"])
        if office.isdigit() and len(office) < 4:
            office = office.zfill(4)
        if office not in office_numbers:
            raise InvalidInput(gettext("Rad %(row_no)s, kolonne office: %(office)s er ikke et kontor i denne runden.") % {"row_no": row_no, "office": office or gettext("(tom)")},
                               field="office")
        answers = {}
        for col in items:
            raw = _cell(rec[col])
            if raw == "":
                continue
            v = _int(raw, row_no, col)
            lo, hi = item_scales[col]
            if not lo <= v <= hi:
                raise InvalidInput(gettext("Rad %(row_no)s, kolonne %(col)s: %(v)s er utenfor skalaen %(lo)s-%(hi)s.") % {"row_no": row_no, "col": col, "v": v, "lo": lo, "hi": hi}, field=col)
            answers[col] = v
        fields = {"external_ref": ref, "office_id": office_numbers[office], "answers": answers}
        for col in ("caseload", "employer", "gender", "role", "age_band"):
            raw = _cell(rec.get(col, ""))
            if raw == "":
                fields[col] = ""
                continue
            key = key_of(col, _int(raw, row_no, col))
            if key is None:
                allowed = ", ".join(str(k) for k in CODINGS[col])
                raise InvalidInput(gettext("Rad %(row_no)s, kolonne %(col)s: %(raw)s er ikke en gyldig kode (%(allowed)s).") % {"row_no": row_no, "col": col, "raw": raw, "allowed": allowed}, field=col)
            fields[col] = key
        raw_age = _cell(rec.get("age", ""))
        fields["age"] = None
        if raw_age:
            age = _int(raw_age, row_no, "age")
            if not 16 <= age <= 80:
                raise InvalidInput(gettext("Rad %(row_no)s, kolonne age: %(age)s er utenfor 16-80 år.") % {"row_no": row_no, "age": age}, field="age")
            fields["age"] = age
            if not fields["age_band"]:
                fields["age_band"] = age_band_of(age)
        out.append(fields)
    return out


def age_band_of(age: int) -> str:
    if age < 30:
        return "lt30"
    if age < 40:
        return "30_39"
    if age < 50:
        return "40_49"
    if age < 60:
        return "50_59"
    return "60plus"


# --- the two downloads of a wave -----------------------------------------------------------------

def export_table(wave, frame: pd.DataFrame, ctx) -> Labelled:
    """The respondent-level export: pseudonym, office number, coded background, items, indices."""
    cols = ["respondent", "office_number", "caseload_code", "employer", "gender", "role", "age_band", "age",
            *ctx.item_keys, *[ix.key for ix in ctx.indices], "office_size"]
    out = frame[[c for c in cols if c in frame.columns]].rename(
        columns={"office_number": "office", "caseload_code": "caseload"}).copy()  # caseload: 0-6, -1 = ingen
    # Rows in pseudonym order, never in the order the answers were stored: storage order is the
    # order of submission, which someone who saw when a colleague answered could use to find them.
    out = out.sort_values("respondent", kind="stable").reset_index(drop=True)
    labels = dict(ctx.labels)
    vlabels = {k: v for k, v in ctx.value_labels.items() if k in out.columns}
    return Labelled(out, labels, vlabels)


def results_table(report) -> Labelled:
    """A report's figures as one long table (section, model, variable, statistic, value)."""
    rows = []
    if report.descriptives:
        for v in report.descriptives.variables:
            for stat in ("n", "mean", "sd"):
                rows.append({"section": "deskriptiv", "model": 0, "variable": v.name, "statistic": stat,
                             "value": getattr(v, stat)})
    for rel in report.reliability:
        rows.append({"section": "reliabilitet", "model": 0, "variable": rel.index, "statistic": "alpha", "value": rel.alpha})
        rows.append({"section": "reliabilitet", "model": 0, "variable": rel.index, "statistic": "mean_r",
                     "value": rel.mean_inter_item_r})
    if report.regression:
        for blk in report.regression.blocks:
            for c in blk.coefficients:
                for stat in ("b", "se", "beta", "t", "p", "ci_low", "ci_high"):
                    rows.append({"section": "regresjon", "model": blk.number, "variable": c.name, "statistic": stat,
                                 "value": getattr(c, stat)})
            for stat in ("r2", "adj_r2", "r2_change", "f_change", "p_f_change"):
                rows.append({"section": "regresjon", "model": blk.number, "variable": "(modell)", "statistic": stat,
                             "value": getattr(blk, stat)})
    if report.multilevel:
        rows.append({"section": "flernivå", "model": 0, "variable": "office", "statistic": "icc",
                     "value": report.multilevel.icc})
    df = pd.DataFrame(rows, columns=["section", "model", "variable", "statistic", "value"])
    df["value"] = df["value"].astype(float).replace([np.inf, -np.inf], np.nan)
    return Labelled(df, {"section": "Del av analysen", "model": "Modell (blokk)", "variable": "Variabel",
                         "statistic": "Størrelse", "value": "Verdi"}, {})

