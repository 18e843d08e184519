"""The product's reference facts (need groups, main goals, needs domains, measure types, survey
items, the published study), shipped in ``skreddersy/reference`` and read with
``importlib.resources``. ``settings.REFERENCE_DIR`` (``SKREDDERSY_REFERENCE_DIR``) may name another
folder with files of the same names. Facts stay data: rules read them from here.

Every file is validated once, at start-up (``CoreConfig.ready`` calls ``check_all``): a missing
file, a missing key, a wrong type or a code that refers to nothing raises ``ReferenceInvalid``
naming the file and the field, so the product never starts half-configured."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

FILES = ("innsatsgrupper.json", "needs_domains.json", "tiltakstyper.json", "instruments.json", "terum_sadeghi_2021.json",
         "ips_fidelity.json", "nynorsk.json")


# Scales items may name without the file defining them (the item bank loader defines these two:
# insight.services.EXTRA_SCALES); an item with its own ``options_no`` needs no named scale.
IMPLICIT_SCALES = frozenset({"count", "percent_bands"})


class ReferenceInvalid(ImproperlyConfigured):
    """A reference file is missing or malformed; the message names the file and the field."""


# Kept for callers that caught the old name.
ReferenceMissing = ReferenceInvalid


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class NeedGroup(_Model):
    code: str = Field(min_length=1)
    order: int
    name_no: str = Field(min_length=1)
    name_en: str | None = Field(default=None, min_length=1)
    requires_reduced_work_capacity: bool
    requires_second_approver: bool


class MainGoal(_Model):
    code: str = Field(min_length=1)
    name_no: str = Field(min_length=1)
    name_en: str | None = Field(default=None, min_length=1)


class NeedGroupsFile(_Model):
    groups: list[NeedGroup] = Field(min_length=1)
    main_goals: list[MainGoal] = Field(min_length=1)
    rules: list[str]

    @model_validator(mode="after")
    def _unique(self):
        _unique_codes([g.code for g in self.groups], "groups")
        _unique_codes([g.code for g in self.main_goals], "main_goals")
        return self


class Domain(_Model):
    key: str = Field(min_length=1)
    name_no: str = Field(min_length=1)
    name_en: str | None = Field(default=None, min_length=1)


class DomainsFile(_Model):
    domains: list[Domain] = Field(min_length=1)
    severity_scale: dict[str, str]
    severity_scale_en: dict[str, str] | None = None

    @model_validator(mode="after")
    def _check(self):
        _unique_codes([d.key for d in self.domains], "domains")
        for k in self.severity_scale:
            if not k.isdigit():
                raise ValueError(f"severity_scale: key {k!r} is not a whole number")
        return self


class MeasureType(_Model):
    code: str = Field(min_length=1)
    name_no: str = Field(min_length=1)
    name_en: str | None = Field(default=None, min_length=1)
    kind: str
    typical_weeks: int | None = None
    max_weeks: int | None = None
    eligible_groups: list[str]
    addresses: list[str]


class MeasureTypesFile(_Model):
    types: list[MeasureType] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self):
        _unique_codes([t.code for t in self.types], "types")
        return self


class Scale(_Model):
    points: list[int] = Field(min_length=2)
    labels_no: list[str]


class Item(_Model):
    key: str = Field(min_length=1)
    text: str = Field(min_length=1)
    scale: str


class Instrument(_Model):
    key: str = Field(min_length=1)
    source: str
    items: list[Item] = Field(min_length=1)


class InstrumentsFile(_Model):
    scales: dict[str, Scale]
    instruments: list[Instrument] = Field(min_length=1)


class StudyFile(_Model):
    citation: str
    design: dict
    variables: dict
    table_2_standardized_ols: dict
    appendix_table_1_correlations: dict


class FidelityItem(_Model):
    number: int
    section: str
    title_en: str = Field(min_length=1)
    title_no: str = Field(min_length=1)


class FidelityBand(_Model):
    key: str
    min: int
    max: int
    name_no: str
    name_en: str | None = None


class FidelityFile(_Model):
    score_min: int
    score_max: int
    bands: list[FidelityBand] = Field(min_length=1)
    items: list[FidelityItem] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self):
        if [i.number for i in self.items] != list(range(1, len(self.items) + 1)):
            raise ValueError("items: numbers must run 1, 2, 3, ... in order")
        lo, hi = len(self.items) * self.score_min, len(self.items) * self.score_max
        covered = sorted((b.min, b.max) for b in self.bands)
        if covered[0][0] != lo or covered[-1][1] != hi or any(a[1] + 1 != b[0] for a, b in zip(covered, covered[1:], strict=False)):
            raise ValueError(f"bands: must cover every total from {lo} to {hi} once")
        return self


SCHEMAS: dict[str, type[_Model]] = {
    "innsatsgrupper.json": NeedGroupsFile,
    "needs_domains.json": DomainsFile,
    "tiltakstyper.json": MeasureTypesFile,
    "instruments.json": InstrumentsFile,
    "terum_sadeghi_2021.json": StudyFile,
    "ips_fidelity.json": FidelityFile,
}


def _unique_codes(codes: list[str], field: str) -> None:
    seen = set()
    for c in codes:
        if c in seen:
            raise ValueError(f"{field}: code {c!r} appears twice")
        seen.add(c)


def source() -> str:
    """Where the reference files are read from: the override folder, or the bundled package."""
    return str(settings.REFERENCE_DIR) if getattr(settings, "REFERENCE_DIR", None) else "skreddersy/reference (bundled)"


def _read_text(name: str) -> str:
    override = getattr(settings, "REFERENCE_DIR", None)
    if override:
        path = Path(override) / name
        if not path.is_file():
            raise ReferenceInvalid(f"Reference file {name} is missing from SKREDDERSY_REFERENCE_DIR={override}.")
        return path.read_text(encoding="utf-8")
    return resources.files("skreddersy.reference").joinpath(name).read_text(encoding="utf-8")


def _field(loc: tuple) -> str:
    return ".".join(str(p) for p in loc) or "(top level)"


@cache
def load(name: str) -> dict:
    """One reference file, parsed and validated (a ``ReferenceInvalid`` names file and field)."""
    try:
        data = json.loads(_read_text(name))
    except json.JSONDecodeError as exc:
        raise ReferenceInvalid(f"Reference file {name}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}.") from None
    schema = SCHEMAS.get(name)
    if schema is not None:
        if not isinstance(data, dict):
            raise ReferenceInvalid(f"Reference file {name}: the top level must be an object.")
        try:
            schema.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise ReferenceInvalid(
                f"Reference file {name}: field {_field(first['loc'])}: {first['msg']}"
                + (f" ({exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else "")
                + "."
            ) from None
    return data


def check_all() -> None:
    """Load and validate every reference file and the codes they refer to one another by.
    Called at start-up, so a bad file stops the product before the first request."""
    for name in FILES:
        load(name)
    groups = {g["code"] for g in load("innsatsgrupper.json")["groups"]}
    domains = {d["key"] for d in load("needs_domains.json")["domains"]}
    for i, t in enumerate(load("tiltakstyper.json")["types"]):
        for j, g in enumerate(t["eligible_groups"]):
            if g not in groups:
                raise ReferenceInvalid(f"Reference file tiltakstyper.json: field types.{i}.eligible_groups.{j}: unknown need group {g!r}.")
        for j, d in enumerate(t["addresses"]):
            if d not in domains:
                raise ReferenceInvalid(f"Reference file tiltakstyper.json: field types.{i}.addresses.{j}: unknown needs domain {d!r}.")
    for key in sorted(set(load("nynorsk.json")["domains"]) - domains):
        raise ReferenceInvalid(f"Reference file nynorsk.json: field domains: unknown needs domain {key!r}.")
    bank = load("instruments.json")
    for i, inst in enumerate(bank["instruments"]):
        for j, item in enumerate(inst["items"]):
            if item["scale"] not in bank["scales"] and item["scale"] not in IMPLICIT_SCALES and "options_no" not in item:
                raise ReferenceInvalid(f"Reference file instruments.json: field instruments.{i}.items.{j}.scale: unknown scale {item['scale']!r}.")


# --- names in the reader's language -----------------------------------------------------------------
# Every name the reference files give (need groups, main goals, needs domains and their scale,
# measure types, fidelity bands) has ``name_no`` and, where it has been translated, ``name_en``
# ("Standard assistance (standard innsats)": the Norwegian term of art beside the English). One
# helper picks the one for the active language; a name without English reads in Norwegian.


def _english() -> bool:
    from django.utils import translation

    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0].lower() == "en"


def localized(entry: dict, field: str = "name") -> str:
    """``entry``'s ``<field>_en`` when the active language is English and the file has one,
    else its ``<field>_no``."""
    if _english():
        english = entry.get(f"{field}_en")
        if english:
            return english
    return entry.get(f"{field}_no") or ""


def need_group_name(code: str) -> str:
    group = need_groups().get(code)
    return localized(group) if group else code


def main_goal_name(code: str) -> str:
    goal = main_goals().get(code)
    return localized(goal) if goal else code


def measure_type_name(code: str, stored: str = "") -> str:
    """A measure type's name: the catalogue row's own (``stored``, which an administrator may
    have changed) in Norwegian; in English the reference file's English name, unless the row's
    name is no longer the reference's Norwegian one (then it reads as the administrator wrote it)."""
    entry = next((t for t in measure_types() if t["code"] == code), None)
    if entry is None:
        return stored or code
    if stored and stored != entry["name_no"]:
        return stored
    return localized(entry)


def reset() -> None:
    """Forget what was loaded (tests that point REFERENCE_DIR elsewhere)."""
    load.cache_clear()


def need_groups() -> dict[str, dict]:
    """Need groups by code, with ``order``, ``requires_reduced_work_capacity`` and ``requires_second_approver``."""
    return {g["code"]: g for g in load("innsatsgrupper.json")["groups"]}


def main_goals() -> dict[str, dict]:
    return {g["code"]: g for g in load("innsatsgrupper.json")["main_goals"]}


def permanent_groups() -> frozenset[str]:
    """The groups whose decisions need a second approver (the permanent, varig, groups)."""
    return frozenset(c for c, g in need_groups().items() if g["requires_second_approver"])


def needs_domains() -> dict[str, str]:
    """Domain key -> name in the active language (``localized``; in nynorsk while nynorsk is
    active: a client who reads nynorsk, nynorsk.json), in reference order."""
    names = {d["key"]: localized(d) for d in load("needs_domains.json")["domains"]}
    if translation.get_language() == "nn":
        nn = load("nynorsk.json")["domains"]
        names = {k: nn.get(k, v) for k, v in names.items()}
    return names


def severity_scale() -> dict[int, str]:
    """The 0-3 severity scale's labels in the active language (English, nynorsk or bokmål)."""
    data = load("needs_domains.json")
    scale = data["severity_scale"]
    if _english() and data.get("severity_scale_en"):
        scale = {**scale, **data["severity_scale_en"]}
    elif translation.get_language() == "nn":
        scale = {**scale, **load("nynorsk.json")["severity_scale"]}
    return {int(k): v for k, v in scale.items()}


def measure_types() -> list[dict]:
    return load("tiltakstyper.json")["types"]


def instruments() -> dict:
    return load("instruments.json")


def published_study() -> dict:
    return load("terum_sadeghi_2021.json")


def ips_fidelity() -> dict:
    return load("ips_fidelity.json")
