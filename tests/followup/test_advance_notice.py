"""Forhåndsorientering before a sanction: the notice on a requirement tied to a benefit (texts per
legal basis, a deadline to respond, Min side or a letter, the read receipt as information), and the
rule of forvaltningsloven § 16: no sanction recommendation until the client has answered or the
deadline has passed, whatever the dates and whether or not the client read it."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.core import clock
from skreddersy.core.errors import AccessDenied, Conflict, InvalidInput
from skreddersy.followup import notices, selectors, services
from skreddersy.followup.models import AdvanceNotice, JournalEntry
from skreddersy.notifications.models import ContactPreference, Notification
from tests import factories as f

T0 = timezone.make_aware(dt.datetime(2026, 11, 2, 10, 0))
TODAY = T0.date()


@pytest.fixture
def frozen():
    clock.freeze(T0)
    yield
    clock.freeze(None)


@pytest.fixture
def case(org, frozen):
    client = f.client(org["a"], org["counsellor"], login=True)
    nav = f.fresh_user(org["counsellor"])
    req = services.add_activity(
        user=nav,
        client=client,
        title="Møte på arbeidstrening",
        type="measure",
        is_requirement=True,
        legal_basis="folketrygdloven § 11-7 (AAP: aktivitetsplikt)",
        consequence="AAP kan bli redusert med én dags ytelse per dag du uteblir.",
    )
    return {"nav": nav, "me": f.fresh_user(client.user), "client": client, "req": req}


def _send(case, days=14, text="Tekst til brukeren"):
    return notices.send_notice(
        user=case["nav"], activity=case["req"], text=text, deadline=TODAY + dt.timedelta(days=days)
    )


# --- the rule, over every combination of dates and answers -----------------------------------------


@given(
    deadline_offset=st.integers(-60, 60),
    today_offset=st.integers(-60, 60),
    answered=st.booleans(),
    read=st.booleans(),
    recommended=st.booleans(),
)
def test_sanction_rule_over_dates_and_answers(deadline_offset, today_offset, answered, read, recommended):
    """A recommendation is allowed exactly when a notice exists, none was recommended on it yet,
    and the client answered or the deadline (the last day to answer) is behind us. Reading it does
    not count."""
    base = dt.date(2026, 6, 1)
    n = AdvanceNotice(
        deadline=base + dt.timedelta(days=deadline_offset),
        responded_at=T0 if answered else None,
        read_at=T0 if read else None,
        recommended_at=T0 if recommended else None,
    )
    today = base + dt.timedelta(days=today_offset)
    refusal = notices.sanction_refusal(n, today)
    allowed = (not recommended) and (answered or today > n.deadline)
    assert (refusal == "") == allowed
    if not allowed and not recommended:
        assert f"{n.deadline:%d.%m.%Y}" in refusal and "forvaltningsloven § 16" in refusal
    assert notices.sanction_refusal(None, today) != ""


@given(days_after_send=st.integers(0, 40), answer_on=st.one_of(st.none(), st.integers(0, 40)))
def test_recommend_sanction_follows_the_rule_through_the_service(case, days_after_send, answer_on):
    """Through the service: a refused recommendation is a Conflict with the reason and writes
    nothing; an allowed one is written and journalled, hidden from the client."""
    with f.rolled_back():
        clock.freeze(T0)
        notice = _send(case, days=14)
        if answer_on is not None and answer_on <= days_after_send:
            clock.freeze(T0 + dt.timedelta(days=answer_on))
            notices.respond_to_notice(user=case["me"], notice=notice.pk, response="Jeg var syk, har legeerklæring.")
        clock.freeze(T0 + dt.timedelta(days=days_after_send))
        answered = answer_on is not None and answer_on <= days_after_send
        allowed = answered or days_after_send > 14
        journal_before = JournalEntry.objects.count()
        if allowed:
            n = notices.recommend_sanction(
                user=case["nav"], activity=case["req"].pk, reason="Ikke møtt uten rimelig grunn."
            )
            assert n.recommended_at is not None
            last = JournalEntry.objects.order_by("-id").first()
            assert "Innstilling om sanksjon" in last.summary and last.visible_to_client is False
        else:
            with pytest.raises(Conflict) as exc:
                notices.recommend_sanction(user=case["nav"], activity=case["req"].pk, reason="Ikke møtt.")
            assert "frist" in exc.value.message
            assert AdvanceNotice.objects.get(pk=notice.pk).recommended_at is None
            assert JournalEntry.objects.count() == journal_before
        clock.freeze(T0)


def test_no_recommendation_without_a_notice(case):
    with pytest.raises(Conflict, match="Send forhåndsorientering"):
        notices.recommend_sanction(user=case["nav"], activity=case["req"], reason="x")


def test_reading_the_notice_does_not_open_for_a_sanction(case):
    notice = _send(case)
    selectors.person(user=case["me"], client_id=case["client"].pk, why="min side")  # the client opens Min side
    notice.refresh_from_db()
    assert notice.read_at is not None
    with pytest.raises(Conflict):
        notices.recommend_sanction(user=case["nav"], activity=case["req"], reason="x")
    assert JournalEntry.objects.filter(summary__startswith="Forhåndsorientering lest").count() == 1


# --- sending --------------------------------------------------------------------------------------


def test_standard_text_per_legal_basis(org, frozen):
    client = f.client(org["a"], org["counsellor"])
    nav = f.fresh_user(org["counsellor"])
    for basis, law in (
        ("sosialtjenesteloven § 20 a (vilkår)", "sosialtjenesteloven § 20 a"),
        ("folketrygdloven § 11-7", "folketrygdloven § 11-9"),
        ("folketrygdloven § 4-20 (dagpenger)", "folketrygdloven § 4-20"),
    ):
        act = services.add_activity(
            user=nav,
            client=client,
            title="Kurs",
            type="course",
            is_requirement=True,
            legal_basis=basis,
            consequence="Ytelsen kan bli redusert.",
        )
        text = notices.standard_text(act, TODAY + dt.timedelta(days=14))
        assert law in text and "Kurs" in text and "Ytelsen kan bli redusert." in text
        assert (TODAY + dt.timedelta(days=14)).strftime("%d.%m.%Y") in text


def test_sending_notifies_the_client_and_journals(case):
    notice = _send(case)
    assert notice.channel == "digital" and notice.basis == "aap"
    assert Notification.objects.filter(client=case["client"]).exists()
    assert JournalEntry.objects.filter(client=case["client"], summary__startswith="Forhåndsorientering sendt").exists()


def test_notice_on_a_requirement_with_no_benefit_is_refused_with_a_specific_message(org, frozen):
    client = f.client(org["a"], org["counsellor"])
    nav = f.fresh_user(org["counsellor"])
    act = services.add_activity(
        user=nav,
        client=client,
        title="Kurs",
        type="course",
        is_requirement=True,
        legal_basis="arbeidsmiljøloven § 4-6",
        consequence="Ingen.",
    )
    events = sum(Notification.objects.filter(client=client).values_list("events", flat=True))
    with pytest.raises(InvalidInput) as exc:
        notices.send_notice(user=nav, activity=act, text="x", deadline=TODAY + dt.timedelta(days=14))
    assert "ikke knyttet til en ytelse" in exc.value.message and "arbeidsmiljøloven § 4-6" in exc.value.message
    plain = services.add_activity(user=nav, client=client, title="Søk jobber", type="job_application")
    with pytest.raises(InvalidInput, match="ikke et krav"):
        notices.send_notice(user=nav, activity=plain, text="x", deadline=TODAY + dt.timedelta(days=14))
    assert not AdvanceNotice.objects.exists()
    assert (
        sum(Notification.objects.filter(client=client).values_list("events", flat=True)) == events + 1
    )  # the plain activity only


@pytest.mark.parametrize("days, field", [(3, "deadline"), (90, "deadline")])
def test_deadline_must_give_time_to_answer(case, days, field):
    with pytest.raises(InvalidInput) as exc:
        _send(case, days=days)
    assert field in exc.value.errors
    assert not AdvanceNotice.objects.exists()


def test_one_open_notice_at_a_time(case):
    _send(case)
    with pytest.raises(Conflict):
        _send(case)


def test_manual_or_krr_reserved_clients_get_a_letter(case):
    c = case["client"]
    ContactPreference.objects.create(client=c, krr_reserved=True)
    notice = _send(case)
    assert notice.channel == "letter"
    assert JournalEntry.objects.filter(summary__contains="som brev").exists()


def test_the_client_cannot_send_or_recommend(case):
    with pytest.raises(AccessDenied):
        notices.send_notice(user=case["me"], activity=case["req"], text="x", deadline=TODAY + dt.timedelta(days=14))


def test_an_empty_answer_is_refused(case):
    notice = _send(case)
    with pytest.raises(InvalidInput):
        notices.respond_to_notice(user=case["me"], notice=notice.pk, response="   ")
    notice.refresh_from_db()
    assert notice.responded_at is None
