"""After submission nothing links the answers to the person: no column, no key, no time."""

import uuid

import pytest
from django.db import models

from skreddersy.core.errors import Conflict
from skreddersy.core.models import AuditEntry
from skreddersy.insight import services
from skreddersy.insight.models import Invitation, Response, ResponseDraft

from .conftest import token_of

ANSWERS = {"ind_tailored": 3, "pm_fill_slots": 1, "dcsq_time": 2}


def test_response_schema_has_no_path_to_a_person_an_invitation_or_a_time():
    for field in Response._meta.get_fields():
        if field.is_relation and field.related_model is not None:
            assert field.related_model._meta.model_name in {"wave", "office", "importbatch"}, field.name
        assert not isinstance(field, (models.DateTimeField, models.DateField)), field.name
    assert {f.name for f in Invitation._meta.get_fields()}.isdisjoint({"response", "used_at", "submitted_at"})
    assert not any(isinstance(f, models.DateTimeField) for f in Invitation._meta.get_fields())


def test_submission_spends_the_token_and_leaves_no_link(wave, people):
    staff = people["counsellors_a"][0]
    token = token_of(wave, staff)
    services.save_draft(token=token, answers=ANSWERS, background={"employer": "state"})
    assert ResponseDraft.objects.count() == 1
    services.submit_response(token=token, answers=ANSWERS, background={"employer": "state", "gender": "woman"})
    inv = Invitation.objects.get(wave=wave, staff=staff)
    assert inv.used
    assert ResponseDraft.objects.count() == 0  # the draft (keyed by the token hash) is gone
    response = Response.objects.get(wave=wave)
    assert isinstance(response.pk, uuid.UUID) and response.pk.version == 4
    secrets_of_the_person = {inv.token_hash, inv.nonce, token, staff.nav_ident, staff.user.username}
    stored = " ".join(str(getattr(response, f.attname)) for f in Response._meta.concrete_fields)
    assert not any(s in stored for s in secrets_of_the_person)
    # the only foreign keys lead to the wave and the office, which many people share
    assert response.wave_id == wave.pk and response.office_id == people["a"].pk
    assert response.external_ref == "" and response.import_batch_id is None and response.age is None
    # the audit entry for the submission names no actor and no object
    entry = AuditEntry.objects.get(what="innsikt: svar levert")
    assert entry.actor_id is None and entry.object_id is None and entry.client_id is None
    # nor can the token be used again
    with pytest.raises(Conflict):
        services.submit_response(token=token, answers=ANSWERS, background={})


def test_two_answers_from_one_office_cannot_be_told_apart_by_person(wave, people):
    a, b = people["counsellors_a"][:2]
    services.submit_response(token=token_of(wave, b), answers={"ind_tailored": 4}, background={})
    services.submit_response(token=token_of(wave, a), answers={"ind_tailored": 0}, background={})
    rows = list(Response.objects.filter(wave=wave).values())
    assert len(rows) == 2
    # every column except the answers is identical: nothing orders or tags them by person
    strip = [{k: v for k, v in r.items() if k not in ("id", "answers")} for r in rows]
    assert strip[0] == strip[1]


def test_closed_wave_and_unknown_token_refuse(wave, people):
    from skreddersy.core.errors import NotFound

    with pytest.raises(NotFound):
        services.submit_response(token="nope", answers=ANSWERS, background={})
    token = token_of(wave, people["counsellors_a"][0])
    services.close_wave(user=people["analyst"].user, wave=wave)
    with pytest.raises(Conflict, match="ikke åpen"):
        services.submit_response(token=token, answers=ANSWERS, background={})
