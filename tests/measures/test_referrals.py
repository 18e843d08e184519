"""Referral: accepted, waiting list with position, or refused with the reason; withdrawal,
rejection and completion; a freed place goes to the next on the waiting list; the journal and
activity plan follow; bad input writes nothing."""

import datetime as dt

import pytest

from skreddersy.core.errors import AccessDenied, Conflict, InvalidInput
from skreddersy.core.models import AuditEntry
from skreddersy.followup.models import Activity, JournalEntry
from skreddersy.measures import selectors, services
from skreddersy.measures.models import MeasureOffering, Referral
from tests import factories as f
from tests.measures.conftest import TODAY, offering


@pytest.fixture
def setup(world):
    o = offering(world["types"]["JOBBKLUBB"], [world["bergen"]], capacity=1, waiting_list_limit=2, title="Jobbklubb Bergen")
    clients = [world["client"]] + [f.client(world["bergen"], world["counsellor"], need_group="STANDARD_INNSATS") for _ in range(3)]
    return {**world, "o": o, "clients": clients, "user": world["counsellor"].user}


def test_free_place_accepts_journals_and_proposes_a_measure_activity(setup):
    r = services.refer(user=setup["user"], client=setup["client"], offering=setup["o"])
    assert r.status == Referral.Status.ACCEPTED and r.accepted_at
    setup["o"].refresh_from_db()
    assert setup["o"].occupied == 1
    entry = JournalEntry.objects.get(client=setup["client"], kind="measure")
    assert "plass" in entry.summary and "Jobbklubb Bergen" in entry.summary
    act = Activity.objects.get(client=setup["client"], type="measure")
    assert act.status == Activity.Status.PROPOSED and act.title == "Tiltak: Jobbklubb Bergen"
    assert r.activity_id == act.pk
    assert AuditEntry.objects.filter(client_id=setup["client"].pk, what="tiltak: henvisning", action="write").exists()


def test_full_offering_queues_with_position_then_refuses_when_the_list_is_full(setup):
    u, cs, o = setup["user"], setup["clients"], setup["o"]
    services.refer(user=u, client=cs[0], offering=o)
    w1 = services.refer(user=u, client=cs[1], offering=o)
    w2 = services.refer(user=u, client=cs[2], offering=o)
    assert (w1.status, w2.status) == ("waiting", "waiting")
    assert (services.waiting_position(w1), services.waiting_position(w2)) == (1, 2)
    assert "plass 2 i køen" in JournalEntry.objects.filter(client=cs[2]).first().summary
    before = (Referral.objects.count(), JournalEntry.objects.count())
    with pytest.raises(Conflict) as exc:
        services.refer(user=u, client=cs[3], offering=o)
    assert exc.value.field == "offering" and "fullt" in exc.value.message and "ventelisten er full" in exc.value.message
    assert (Referral.objects.count(), JournalEntry.objects.count()) == before
    refs = {r.client_id: r.position for r in selectors.client_referrals(user=u, client_id=cs[2].pk)}
    assert refs[cs[2].pk] == 2


def test_no_waiting_list_wanted_or_offered_gives_a_specific_conflict(setup):
    u, cs, o = setup["user"], setup["clients"], setup["o"]
    services.refer(user=u, client=cs[0], offering=o)
    with pytest.raises(Conflict, match="du valgte ikke venteliste"):
        services.refer(user=u, client=cs[1], offering=o, allow_waiting_list=False)
    MeasureOffering.objects.filter(pk=o.pk).update(waiting_list_limit=0)
    with pytest.raises(Conflict, match="har ingen venteliste"):
        services.refer(user=u, client=cs[1], offering=o)
    assert not Referral.objects.filter(client=cs[1]).exists()


def test_ineligible_client_is_refused_with_reasons_and_nothing_written(setup, world):
    o = offering(world["types"]["VARIG_TILRETTELAGT_ARBEID_SKJERMET"], [world["voss"]], capacity=3)
    before = (Referral.objects.count(), JournalEntry.objects.count(), Activity.objects.count())
    with pytest.raises(InvalidInput) as exc:
        services.refer(user=setup["user"], client=setup["client"], offering=o)
    msg = exc.value.errors["offering"]
    assert "ikke åpent for innsatsgruppen «Situasjonsbestemt innsats»" in msg
    assert "gjelder ikke brukere som følges opp ved Nav Bergenhus" in msg
    assert (Referral.objects.count(), JournalEntry.objects.count(), Activity.objects.count()) == before
    o.refresh_from_db()
    assert o.occupied == 0
    assert AuditEntry.objects.filter(client_id=setup["client"].pk, what="tiltak: henvisning", why__startswith="avvist").exists()


def test_client_without_need_group_cannot_be_referred(setup, world):
    c = f.client(world["bergen"], world["counsellor"])
    with pytest.raises(InvalidInput, match="§ 14 a-vedtak"):
        services.refer(user=setup["user"], client=c, offering=setup["o"])


def test_duplicate_active_referral_is_a_conflict(setup):
    o = offering(setup["types"]["JOBBKLUBB"], [setup["bergen"]], capacity=5)
    services.refer(user=setup["user"], client=setup["client"], offering=o)
    with pytest.raises(Conflict, match="allerede en aktiv henvisning"):
        services.refer(user=setup["user"], client=setup["client"], offering=o)


def test_withdrawing_an_accepted_place_promotes_the_first_on_the_waiting_list(setup):
    u, cs, o = setup["user"], setup["clients"], setup["o"]
    first = services.refer(user=u, client=cs[0], offering=o)
    w1 = services.refer(user=u, client=cs[1], offering=o)
    w2 = services.refer(user=u, client=cs[2], offering=o)
    with pytest.raises(InvalidInput) as exc:
        services.withdraw_referral(user=u, referral=first, reason="  ")
    assert exc.value.field == "reason"
    services.withdraw_referral(user=u, referral=first, reason="Bruker fikk jobb")
    first.refresh_from_db(), w1.refresh_from_db(), w2.refresh_from_db(), o.refresh_from_db()
    assert first.status == "withdrawn" and first.ended_on is None  # before start: no participation
    assert w1.status == "accepted" and services.waiting_position(w2) == 1
    assert o.occupied == 1
    assert JournalEntry.objects.filter(client=cs[1], kind="measure", summary__contains="plass fra venteliste").exists()
    with pytest.raises(Conflict, match="allerede trukket"):
        services.withdraw_referral(user=u, referral=first, reason="igjen")


def test_completion_ends_participation_frees_the_place_and_validates_the_date(setup):
    u, o = setup["user"], offering(setup["types"]["JOBBKLUBB"], [setup["bergen"]], capacity=1, start=TODAY - dt.timedelta(days=30))
    r = services.refer(user=u, client=setup["client"], offering=o)
    with pytest.raises(InvalidInput, match="fremtiden"):
        services.complete_referral(user=u, referral=r, ended_on=TODAY + dt.timedelta(days=1))
    with pytest.raises(InvalidInput, match="før oppstart"):
        services.complete_referral(user=u, referral=r, ended_on=TODAY - dt.timedelta(days=31))
    services.complete_referral(user=u, referral=r, ended_on=TODAY - dt.timedelta(days=1))
    r.refresh_from_db(), o.refresh_from_db()
    assert r.status == "completed" and r.ended_on == TODAY - dt.timedelta(days=1) and o.occupied == 0
    with pytest.raises(Conflict):
        services.complete_referral(user=u, referral=r)


def test_rejection_needs_a_reason_and_is_kept(setup):
    u, cs, o = setup["user"], setup["clients"], setup["o"]
    services.refer(user=u, client=cs[0], offering=o)
    w = services.refer(user=u, client=cs[1], offering=o)
    with pytest.raises(InvalidInput, match="begrunnelse"):
        services.reject_referral(user=u, referral=w, reason="")
    services.reject_referral(user=u, referral=w, reason="Arrangøren vurderer tiltaket som uegnet nå")
    w.refresh_from_db()
    assert w.status == "rejected" and w.reason.startswith("Arrangøren")


def test_counsellor_at_another_office_cannot_refer_or_withdraw(setup, world):
    other = world["other_counsellor"].user
    with pytest.raises(AccessDenied):
        services.refer(user=other, client=setup["client"], offering=setup["o"])
    r = services.refer(user=setup["user"], client=setup["client"], offering=setup["o"])
    with pytest.raises(AccessDenied):
        services.withdraw_referral(user=other, referral=r, reason="x")
    with pytest.raises(AccessDenied):
        services.refer(user=world["client"].user, client=setup["client"], offering=setup["o"])  # the client themself
    assert AuditEntry.objects.filter(client_id=setup["client"].pk, action="denied").count() >= 3


def test_the_database_refuses_overbooking_even_without_the_service(setup):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        MeasureOffering.objects.filter(pk=setup["o"].pk).update(occupied=2)
