"""Reads that selectors and services share: a client's matching profile, the office's expected
fill per measure type, the expected wait. Internal: no access check and no audit here; the
selector or service that calls them checks access and audits, once. Below both, so that
services need not import selectors (nor selectors services)."""

from __future__ import annotations

import datetime as dt
import math
import time

from django.db.models import Count, Q

from skreddersy.clients.models import Client, NeedAssessment, NeedsMapping
from skreddersy.core import clock
from skreddersy.measures import eligibility, matching
from skreddersy.measures.models import ClientPreference, OfficeAllocation, Place, Referral

USED = (Referral.Status.ACCEPTED, Referral.Status.COMPLETED)
MAX_ID = 2**63 - 1  # ids are 64-bit: a larger number cannot name a row (and would crash the query)


def is_id(value) -> bool:
    """A value that can name a row (an int from 1 to 2**63 - 1, not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def waiting_weeks(capacity: int, occupied: int, waiting: int, typical_weeks: int | None) -> int | None:
    """Expected wait for a new referral: places free up as participants finish (typical length)."""
    if occupied < capacity:
        return 0
    weeks = typical_weeks or 12
    return int(math.ceil((waiting + 1) / max(capacity, 1) * weeks))


def latest_severity(client_ids: list[int]) -> dict[int, tuple[dict, dict]]:
    """Blended severity (and its source) from each client's latest needs mapping: two queries."""
    latest: dict[int, int] = {}
    for mid, cid, _v in NeedsMapping.objects.filter(client_id__in=client_ids).order_by("client_id", "version").values_list("id", "client_id", "version"):
        latest[cid] = mid
    by_mapping = {mid: cid for cid, mid in latest.items()}
    out: dict[int, tuple[dict, dict]] = {cid: ({}, {}) for cid in client_ids}
    if not by_mapping:
        return out
    ids = list(by_mapping)
    for i in range(0, len(ids), 5000):
        for mid, domain, cs, ks in NeedAssessment.objects.filter(mapping_id__in=ids[i:i + 5000]).values_list(
            "mapping_id", "domain", "counsellor_severity", "client_severity"
        ):
            s, src = matching.blend_severity(cs, ks)
            if s > 0:
                sev, source = out[by_mapping[mid]]
                sev[domain] = s
                source[domain] = src
    return out


_places_cache: dict = {"at": -1e9, "data": {}}


def _places() -> dict[str, tuple[float, float]]:
    """Municipality centres, cached in the process like the county indexes (they rarely change)."""
    if time.monotonic() - _places_cache["at"] > matching.INDEX_TTL_SECONDS:
        _places_cache["data"] = {m: (la, lo) for m, la, lo in Place.objects.order_by().values_list("municipality", "latitude", "longitude")}
        _places_cache["at"] = time.monotonic()
    return _places_cache["data"]


def invalidate_places() -> None:
    _places_cache["at"] = -1e9


def _severity_one(client_id: int) -> tuple[dict, dict]:
    """The latest mapping of one client, in one query."""
    latest = NeedsMapping.objects.filter(client_id=client_id).order_by("-version").values("id")[:1]
    sev, src = {}, {}
    for domain, cs, ks in NeedAssessment.objects.filter(mapping_id__in=latest).order_by().values_list(
        "domain", "counsellor_severity", "client_severity"
    ):
        s, who = matching.blend_severity(cs, ks)
        if s > 0:
            sev[domain], src[domain] = s, who
    return sev, src


def profile_from(client: Client, severity: tuple[dict, dict], pref: ClientPreference | None, places: dict, on: dt.date) -> matching.ClientProfile:
    facts = eligibility.client_facts(client, on=on)
    loc = places.get(client.municipality) or places.get(client.office.municipality if client.office_id else "")
    return matching.ClientProfile(
        client_id=client.pk, office_id=client.office_id, need_group=client.need_group or "", age=facts.age,
        priority_groups=facts.priority_groups, severity=severity[0], severity_source=severity[1],
        wanted_domains=frozenset(pref.wanted_domains) if pref else frozenset(),
        preferred_types=frozenset(pref.preferred_types) if pref else frozenset(),
        max_travel_km=pref.max_travel_km if pref else None,
        language=(pref.preferred_language if pref and pref.preferred_language else client.language) or "nb",
        needs_interpreter=client.needs_interpreter,
        latitude=loc[0] if loc else None, longitude=loc[1] if loc else None,
        office_name=client.office.name if client.office_id else "",
    )


_UNSET = object()


def client_profile(client: Client, pref=_UNSET) -> matching.ClientProfile:
    """Internal (no access check): callers check access and audit."""
    if pref is _UNSET:
        pref = ClientPreference.objects.filter(client_id=client.pk).first()
    return profile_from(client, _severity_one(client.pk), pref, _places(), clock.today())


def office_profiles(office_id: int) -> list[matching.ClientProfile]:
    """Profiles for every client of an office, in a fixed number of queries (for re-ranking)."""
    clients = list(Client.objects.filter(office_id=office_id).select_related("office"))
    ids = [c.pk for c in clients]
    sev = latest_severity(ids)
    prefs = {p.client_id: p for p in ClientPreference.objects.filter(client_id__in=ids)}
    places = _places()
    today = clock.today()
    return [profile_from(c, sev[c.pk], prefs.get(c.pk), places, today) for c in clients]


def expected_fill_by_type(office_id: int, year: int) -> dict[int, dict]:
    """Per measure type: the office's allocated places, used, and whether it expects more filled.
    One query: each allocation's use is counted by an indexed subquery."""
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    used_q = (Referral.objects.filter(office_allocation=OuterRef("pk"), status__in=USED).order_by()
              .values("office_allocation").annotate(c=Count("id")).values("c"))
    out: dict[int, dict] = {}
    for tid, places, expected, used in (
        OfficeAllocation.objects.filter(office_id=office_id, county_allocation__target__year=year).order_by()
        .annotate(used=Coalesce(Subquery(used_q, output_field=IntegerField()), 0))
        .values_list("county_allocation__target__measure_type_id", "places", "expected_filled", "used")
    ):
        row = out.setdefault(tid, {"places": 0, "expected": 0, "used": 0})
        row["places"] += places
        row["expected"] += expected
        row["used"] += used
    for row in out.values():
        row["expects_fill"] = row["expected"] > row["used"]
    return out


def waiting_position(referral: Referral) -> int | None:
    if referral.status != Referral.Status.WAITING:
        return None
    ahead = Referral.objects.filter(offering_id=referral.offering_id, status=Referral.Status.WAITING).filter(
        Q(queued_at__lt=referral.queued_at) | Q(queued_at=referral.queued_at, id__lt=referral.id)
    ).count()
    return ahead + 1
