"""After submission nothing links the answers to the person: no column, no key, no row order,
no transaction id (PostgreSQL ``xmin``), no timestamp, no audit row. Runs on both databases."""

import datetime as dt
import hashlib
import random
import uuid

import pytest
from django.db import connection, models
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skreddersy.core.errors import Conflict, NotFound
from skreddersy.core.models import AuditEntry
from skreddersy.insight import services
from skreddersy.insight.models import Invitation, PendingResponse, Response, ResponseDraft, Wave

from .conftest import close, release, token_of

ANSWERS = {"ind_tailored": 3, "pm_fill_slots": 1, "dcsq_time": 2}


def test_schema_has_no_path_from_an_answer_to_a_person_an_invitation_or_a_time():
    for model, allowed in ((Response, {"wave", "office", "importbatch"}), (PendingResponse, {"wave", "office"})):
        for field in model._meta.get_fields():
            if field.is_relation and field.related_model is not None:
                assert field.related_model._meta.model_name in allowed, (model, field.name)
            assert not isinstance(field, models.DateTimeField), (model, field.name)
    # the pending store knows the day only, and its key is random, not a counter
    assert isinstance(PendingResponse._meta.get_field("received_on"), models.DateField)
    assert not isinstance(PendingResponse._meta.pk, models.AutoField)
    assert {f.name for f in Invitation._meta.get_fields()} == {"id", "wave", "staff", "office", "token_hash", "used"}


def test_tokens_are_random_and_only_their_hash_is_stored(wave, people):
    staff = people["counsellors_a"][0]
    tokens = {token_of(wave, staff) for _ in range(3)}
    assert len(tokens) == 3 and all(len(t) >= 40 for t in tokens)  # 256 random bits, new each time
    inv = Invitation.objects.get(wave=wave, staff=staff)
    newest = token_of(wave, staff)
    inv.refresh_from_db()
    assert inv.token_hash == hashlib.sha256(newest.encode()).hexdigest()
    with pytest.raises(NotFound):  # an earlier token stopped working
        services.submit_response(token=next(iter(tokens)), answers=ANSWERS, background={})
    # no stored value in the survey tables holds a token
    for model in (Invitation, ResponseDraft, PendingResponse, Response, Wave):
        for row in model.objects.values():
            assert not any(t in str(v) for v in row.values() for t in tokens | {newest}), model


def test_submission_spends_the_token_and_leaves_no_link(wave, people):
    staff = people["counsellors_a"][0]
    token = token_of(wave, staff)
    services.save_draft(token=token, answers=ANSWERS, background={"employer": "state"})
    assert ResponseDraft.objects.count() == 1
    services.submit_response(token=token, answers=ANSWERS, background={"employer": "state", "gender": "woman"})
    inv = Invitation.objects.get(wave=wave, staff=staff)
    assert inv.used
    assert ResponseDraft.objects.count() == 0  # the draft (keyed by the token hash) is gone
    pending = PendingResponse.objects.get()
    assert pending.received_on == timezone.localdate() and 0 < pending.pk < 2**63
    assert Response.objects.count() == 0  # sealed until its batch is released
    close(wave)
    response = Response.objects.get(wave=wave)
    assert isinstance(response.pk, uuid.UUID) and response.pk.version == 4
    secrets_of_the_person = {inv.token_hash, token, staff.nav_ident, staff.user.username}
    stored = " ".join(str(getattr(response, f.attname)) for f in Response._meta.concrete_fields)
    assert not any(s in stored for s in secrets_of_the_person)
    assert response.wave_id == wave.pk and response.office_id == people["a"].pk
    assert response.external_ref == "" and response.import_batch_id is None and response.age is None
    # the audit entry for the submission names no actor and no object, and holds the day only
    entry = AuditEntry.objects.get(what="innsikt: svar levert")
    assert entry.actor_id is None and entry.object_id is None and entry.client_id is None
    local = timezone.localtime(entry.at)
    assert (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)
    with pytest.raises(Conflict):
        services.submit_response(token=token, answers=ANSWERS, background={})


def test_two_answers_from_one_office_cannot_be_told_apart_by_person(wave, people):
    a, b = people["counsellors_a"][:2]
    services.submit_response(token=token_of(wave, b), answers={"ind_tailored": 4}, background={})
    services.submit_response(token=token_of(wave, a), answers={"ind_tailored": 0}, background={})
    close(wave)
    rows = list(Response.objects.filter(wave=wave).values())
    assert len(rows) == 2
    strip = [{k: v for k, v in r.items() if k not in ("id", "answers")} for r in rows]
    assert strip[0] == strip[1]
    audit = list(AuditEntry.objects.filter(what="innsikt: svar levert").values("at", "actor_id", "object_id", "why"))
    assert len(audit) == 2 and audit[0] == audit[1]


def test_closed_wave_and_unknown_token_refuse(wave, people):
    with pytest.raises(NotFound):
        services.submit_response(token="nope", answers=ANSWERS, background={})
    token = token_of(wave, people["counsellors_a"][0])
    services.close_wave(user=people["analyst"].user, wave=wave)
    with pytest.raises(Conflict, match="ikke åpen"):
        services.submit_response(token=token, answers=ANSWERS, background={})
    assert PendingResponse.objects.count() == 0


def test_release_comes_in_batches_of_five_per_office_and_all_at_close(wave, people):
    a_staff = people["counsellors_a"] + [people["leader_a"]]  # 7 invited at office A
    b_staff = people["counsellors_b"]  # 3 of 4 at office B
    for i, s in enumerate(a_staff[:4] + b_staff):
        services.submit_response(token=token_of(wave, s), answers={"ind_tailored": i % 5}, background={})
    assert release(wave) == 0  # 4 at A, 3 at B: nothing yet
    services.submit_response(token=token_of(wave, a_staff[4]), answers={"ind_tailored": 1}, background={})
    assert release(wave) == 5 and Response.objects.filter(office=people["a"]).count() == 5
    services.submit_response(token=token_of(wave, a_staff[5]), answers={"ind_tailored": 2}, background={})
    assert release(wave) == 0 and Response.objects.count() == 5
    services.close_wave(user=people["analyst"].user, wave=wave)  # closing releases the rest
    assert Response.objects.filter(office=people["a"]).count() == 6
    assert Response.objects.filter(office=people["b"]).count() == 3
    assert PendingResponse.objects.count() == 0


# --- no ordering link: the stored order is a function of the answers, not of who came when ------

def _physical_order(model):
    """Rows in storage order: rowid on SQLite, ctid on PostgreSQL."""
    table = connection.ops.quote_name(model._meta.db_table)
    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cur:
        cur.execute(f"SELECT answers FROM {table} ORDER BY {order}")
        return [r[0] if isinstance(r[0], str) else __import__("json").dumps(r[0], sort_keys=True)
                for r in cur.fetchall()]


def _norm(raw):
    import json

    return json.dumps(json.loads(raw) if isinstance(raw, str) else raw, sort_keys=True)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(7)), values=st.lists(st.integers(0, 4), min_size=7, max_size=7))
def test_storage_order_does_not_depend_on_the_order_of_arrival(wave, people, monkeypatch, order, values):
    """Two worlds with the same answers arriving in different orders (and the same random source
    for the shuffle) store the responses in the same physical order: nothing of the arrival order
    survives in rowid (SQLite) or ctid (PostgreSQL)."""
    staff = people["counsellors_a"] + [people["leader_a"]]
    answers = {s.pk: {"ind_tailored": values[i], "pm_fill_slots": i % 4} for i, s in enumerate(staff)}

    def world(arrival):
        if connection.vendor == "postgresql":
            # an empty heap, so rows are placed in the order written: after a plain DELETE the free
            # space map (filled by autovacuum from other tests' rows) may place a row in an earlier
            # page, an order that comes from neither world's arrival
            with connection.cursor() as cur:  # (deferred foreign-key checks first: TRUNCATE refuses pending ones)
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cur.execute(f"TRUNCATE {connection.ops.quote_name(Response._meta.db_table)}")
                cur.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            Response.objects.filter(wave=wave).delete()
        PendingResponse.objects.all().delete()
        Invitation.objects.filter(wave=wave).update(used=False)
        monkeypatch.setattr(services, "_shuffle", random.Random(7).shuffle)
        for s in arrival:
            services.submit_response(token=token_of(wave, s), answers=answers[s.pk], background={})
        assert release(wave) == 7
        return [_norm(a) for a in _physical_order(Response)]

    first = world(staff)
    second = world([staff[i] for i in order])
    assert first == second


# --- no transaction link (PostgreSQL xmin), on real commits ------------------------------------

def _xmins(model, where="", params=()):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"SELECT xmin::text FROM {table} {where}", list(params))
        return [r[0] for r in cur.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_no_transaction_or_time_links_an_invitation_to_its_response(wave, people):
    staff = people["counsellors_a"][:5]
    for i, s in enumerate(staff):
        services.submit_response(token=token_of(wave, s), answers={"ind_tailored": i}, background={})
    if connection.vendor == "postgresql":
        inv_x = set(_xmins(Invitation, "WHERE wave_id = %s AND used", [wave.pk]))
        pend_x = set(_xmins(PendingResponse))
        assert inv_x.isdisjoint(pend_x)  # never written in one transaction
    assert release(wave) == 5
    if connection.vendor == "postgresql":
        resp_x = set(_xmins(Response, "WHERE wave_id = %s", [wave.pk]))
        inv_x = set(_xmins(Invitation, "WHERE wave_id = %s AND used", [wave.pk]))
        assert len(resp_x) == 1  # the five responses share the release's transaction
        assert inv_x == resp_x  # and so do the five spent invitations: xmin tells no one apart
    # no times: the responses have none, the submissions' audit entries hold the day only
    day = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    assert set(AuditEntry.objects.filter(what="innsikt: svar levert").values_list("at", flat=True)) == {day}
    assert not PendingResponse.objects.exists()
