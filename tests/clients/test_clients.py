"""Client records: identity number validated at the model and the service, birth date derived from
it, priority flags, registration that writes all or nothing, and the versioned needs mapping."""

import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from skreddersy.clients import selectors as client_selectors
from skreddersy.clients import services
from skreddersy.clients.models import Client, FollowUpPeriod, NeedAssessment, NeedsMapping
from skreddersy.core import clock, fnr
from skreddersy.core.errors import AccessDenied, InvalidInput
from skreddersy.core.models import AuditEntry
from skreddersy.followup.models import JournalEntry
from tests import factories as f

BIRTH = dt.date(1996, 7, 14)


def _number(birth=BIRTH, seed=1, **kw):
    return fnr.synthetic(birth, random.Random(seed), **kw)


def _bad_checksum(number):
    return number[:10] + str((int(number[10]) + 1) % 10)


def _rows():
    return Client.objects.count(), FollowUpPeriod.objects.count(), JournalEntry.objects.count()


@pytest.mark.parametrize("bad,reason", [
    (lambda n: _bad_checksum(n), "Kontrollsifrene"),
    (lambda n: n[:10], "11 sifre"),
    (lambda n: n[:10] + "x", "bare inneholde sifre"),
])
def test_model_full_clean_reports_the_reason_on_fnr(org, bad, reason):
    c = Client(fnr=bad(_number()), first_name="Kari", last_name="Nordmann", birth_date=BIRTH, municipality="Oslo",
               office=org["a"])
    with pytest.raises(ValidationError) as exc:
        c.full_clean()
    assert "fnr" in exc.value.message_dict
    assert reason in " ".join(exc.value.message_dict["fnr"])


def test_model_birth_date_must_match_the_number(org):
    c = Client(fnr=_number(), first_name="Kari", last_name="Nordmann", birth_date=dt.date(1996, 7, 15), municipality="Oslo",
               office=org["a"])
    with pytest.raises(ValidationError) as exc:
        c.full_clean()
    assert set(exc.value.message_dict) == {"birth_date"}


def test_register_client_derives_birth_date_and_opens_a_period(org):
    nav = f.fresh_user(org["counsellor"])
    number = _number(d_number=True)
    c = services.register_client(user=nav, fnr_value=f"{number[:6]} {number[6:]}", first_name=" Kari ", last_name="Nordmann",
                                 municipality="Oslo", office=org["a"], counsellor=org["counsellor"])
    c.refresh_from_db()
    assert c.fnr == number and c.birth_date == BIRTH and c.first_name == "Kari"
    assert FollowUpPeriod.objects.get(client=c).end is None
    assert JournalEntry.objects.filter(client=c).count() == 1
    entry = AuditEntry.objects.get(client_id=c.pk)
    assert entry.action == AuditEntry.Action.WRITE and entry.actor_id == nav.pk
    c.full_clean()


@pytest.mark.parametrize("bad", [_bad_checksum, lambda n: n[:9], lambda n: "12345678901"])
def test_register_client_rejects_invalid_numbers_and_writes_nothing(org, bad):
    nav = f.fresh_user(org["counsellor"])
    before = _rows()
    with pytest.raises(InvalidInput) as exc:
        services.register_client(user=nav, fnr_value=bad(_number()), first_name="Kari", last_name="Nordmann",
                                 municipality="Oslo", office=org["a"])
    assert set(exc.value.errors) == {"fnr"}
    assert exc.value.errors["fnr"]
    assert _rows() == before


def test_register_client_reports_every_bad_field_at_once(org):
    with pytest.raises(InvalidInput) as exc:
        services.register_client(user=f.fresh_user(org["counsellor"]), fnr_value="1", first_name=" ", last_name="",
                                 municipality="Oslo", office=org["a"], address_protection="kode 8")
    assert set(exc.value.errors) == {"fnr", "first_name", "last_name", "address_protection"}
    assert _rows() == (0, 0, 0)


def test_register_client_refuses_a_duplicate_number(org):
    nav = f.fresh_user(org["counsellor"])
    number = _number()
    services.register_client(user=nav, fnr_value=number, first_name="Kari", last_name="N", municipality="Oslo", office=org["a"])
    before = _rows()
    with pytest.raises(InvalidInput) as exc:
        services.register_client(user=nav, fnr_value=number, first_name="Ola", last_name="N", municipality="Oslo",
                                 office=org["a"])
    assert "allerede" in exc.value.errors["fnr"]
    assert _rows() == before


@pytest.mark.parametrize("who", ["other_office", "analyst", "client"])
def test_register_client_only_at_own_office_by_followup_staff(org, who):
    if who == "other_office":
        user, office = f.fresh_user(org["counsellor"]), org["b"]
    elif who == "analyst":
        user, office = f.fresh_user(f.staff("analyst", offices=[org["a"]])), org["a"]
    else:
        user, office = f.fresh_user(f.client(org["a"], login=True).user), org["a"]
    before = _rows()
    with pytest.raises(AccessDenied):
        services.register_client(user=user, fnr_value=_number(), first_name="Kari", last_name="N", municipality="Oslo",
                                 office=office)
    assert _rows() == before
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, actor_id=user.pk, what="bruker: registrer").count() == 1


def test_under_30_is_derived_from_age(org):
    c = f.client(org["a"], birth_date=dt.date(1996, 7, 14))
    try:
        clock.freeze(dt.datetime(2026, 7, 13, 12, tzinfo=dt.UTC))
        assert c.age() == 29 and c.under_30
        clock.freeze(dt.datetime(2026, 7, 14, 12, tzinfo=dt.UTC))
        assert c.age() == 30 and not c.under_30
    finally:
        clock.freeze(None)


def test_masked_number_hides_the_personal_part(org):
    c = f.client(org["a"])
    assert c.masked_fnr == c.fnr[:6] + " *****" and c.fnr[6:] not in c.masked_fnr
    assert c.fnr not in str(c) and c.first_name not in str(c)


# --- needs mapping -----------------------------------------------------------------------------------

@pytest.fixture
def mapped(org):
    c = f.client(org["a"], org["counsellor"], login=True)
    return {"nav": f.fresh_user(org["counsellor"]), "me": f.fresh_user(c.user), "client": c}


def _views(mapping):
    return {e.domain: (e.counsellor_severity, e.client_severity) for e in mapping.entries.all()}


def test_mapping_is_versioned_with_both_views_side_by_side(mapped):
    m1 = services.record_mapping(user=mapped["nav"], client=mapped["client"],
                                 entries={"language": {"counsellor": 2, "client": 1}, "housing": {"counsellor": 3}})
    m2 = services.record_mapping(user=mapped["me"], client=mapped["client"],
                                 entries={"housing": {"client": 1}, "mental_health": {"client": 2}})
    assert (m1.version, m2.version) == (1, 2)
    assert _views(m1) == {"language": (2, 1), "housing": (3, None)}
    # The client's version keeps the counsellor's view and the untouched domains.
    assert _views(m2) == {"language": (2, 1), "housing": (3, 1), "mental_health": (None, 2)}
    history = client_selectors.mapping_history(user=mapped["nav"], client_id=mapped["client"].pk)
    assert [m.version for m in history] == [2, 1]
    assert client_selectors.current_mapping(user=mapped["me"], client_id=mapped["client"].pk).pk == m2.pk


@pytest.mark.parametrize("entries,field", [
    ({"language": {"counsellor": 4}}, "language.counsellor"),
    ({"language": {"client": -1}}, "language.client"),
    ({"language": {"client": "2"}}, "language.client"),
    ({"language": {"client": True}}, "language.client"),
    ({"astrology": {"counsellor": 1}}, "astrology"),
])
def test_bad_severities_and_domains_are_refused(mapped, entries, field):
    with pytest.raises(InvalidInput) as exc:
        services.record_mapping(user=mapped["nav"], client=mapped["client"], entries=entries)
    assert field in exc.value.errors
    assert not NeedsMapping.objects.exists()


def test_client_cannot_set_the_counsellors_view(mapped):
    with pytest.raises(InvalidInput) as exc:
        services.record_mapping(user=mapped["me"], client=mapped["client"], entries={"language": {"counsellor": 0}})
    assert "language.counsellor" in exc.value.errors
    assert not NeedsMapping.objects.exists()


def test_database_holds_severity_0_3(mapped):
    m = services.record_mapping(user=mapped["nav"], client=mapped["client"], entries={"language": {"counsellor": 1}})
    with pytest.raises(IntegrityError), transaction.atomic():
        NeedAssessment.objects.create(mapping=m, domain="housing", counsellor_severity=7)


def test_a_view_left_out_is_carried_over_and_none_clears_it(mapped):
    services.record_mapping(user=mapped["nav"], client=mapped["client"], entries={"language": {"counsellor": 2, "client": 3}})
    # The counsellor updates only their own view: the client's own view stays.
    m2 = services.record_mapping(user=mapped["nav"], client=mapped["client"], entries={"language": {"counsellor": 1}})
    assert _views(m2) == {"language": (1, 3)}
    # The client adds a comment only: both views stay.
    m3 = services.record_mapping(user=mapped["me"], client=mapped["client"], entries={"language": {"comment": "Går på kurs"}})
    assert _views(m3) == {"language": (1, 3)}
    # An explicit None clears that view.
    m4 = services.record_mapping(user=mapped["nav"], client=mapped["client"], entries={"language": {"client": None}})
    assert _views(m4) == {"language": (1, None)}


def test_register_client_refuses_a_counsellor_from_another_office(org):
    elsewhere = f.staff("counsellor", offices=[org["b"]])
    before = _rows()
    with pytest.raises(InvalidInput) as exc:
        services.register_client(user=f.fresh_user(org["counsellor"]), fnr_value=_number(), first_name="Kari", last_name="N",
                                 municipality="Oslo", office=org["a"], counsellor=elsewhere)
    assert set(exc.value.errors) == {"counsellor"}
    assert _rows() == before
