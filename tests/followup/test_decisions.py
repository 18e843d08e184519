"""§ 14 a decisions through the services: drafts, the rules, the second approver, return, discard,
and a sent decision that is never edited but replaced, with the history kept."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.clients.models import Client
from skreddersy.core.errors import AccessDenied, Conflict, InvalidInput
from skreddersy.core.models import AuditEntry
from skreddersy.followup import rules, selectors, services
from skreddersy.followup.models import JournalEntry, NeedsDecision, Task
from tests import factories as f
from tests.followup.test_rules import GOALS, GROUPS, PERMANENT, expected_problems

D = NeedsDecision.Status


@pytest.fixture
def case(org):
    drafter = f.staff("counsellor", "second_approver", offices=[org["a"]])
    approver = f.staff("second_approver", offices=[org["a"]])
    client = f.client(org["a"], drafter)
    return {"drafter": f.fresh_user(drafter), "approver": f.fresh_user(approver), "client": client,
            "counsellor": f.fresh_user(org["counsellor"]), "office": org["a"]}


def _assessment(case, reduced=True, client=None):
    return services.create_assessment(user=case["drafter"], client=client or case["client"], resource_profile="Ressurser: ...",
                                      client_self_assessment="Jeg kan jobbe litt.", reduced_work_capacity=reduced)


def _send(case, group, goal="SKAFFE_ARBEID", justification="Begrunnelse.", reduced=True):
    assessment = _assessment(case, reduced) if rules.requires_assessment(group) else None
    d = services.draft_decision(user=case["drafter"], client=case["client"], need_group=group, main_goal=goal,
                                justification=justification, assessment=assessment)
    d = services.submit_decision(user=case["drafter"], decision=d)
    if d.status == D.AWAITING_APPROVAL:
        d = services.approve_decision(user=case["approver"], decision=d)
    assert d.status == D.SENT
    return d


def _rows():
    return (NeedsDecision.objects.count(), Task.objects.count(), JournalEntry.objects.count(),
            list(NeedsDecision.objects.values_list("id", "status", "version")),
            list(Client.objects.values_list("id", "need_group", "main_goal")))


def test_standard_decision_is_sent_without_justification_and_updates_the_client(case):
    d = _send(case, "STANDARD_INNSATS", justification="")
    case["client"].refresh_from_db()
    assert (case["client"].need_group, case["client"].main_goal) == ("STANDARD_INNSATS", "SKAFFE_ARBEID")
    assert d.sent_at is not None and d.replaces is None
    assert JournalEntry.objects.filter(client=case["client"], kind="decision", visible_to_client=True).count() == 1


@pytest.mark.parametrize("group", ["SITUASJONSBESTEMT_INNSATS", "SPESIELT_TILPASSET_INNSATS", "VARIG_TILPASSET_INNSATS"])
def test_missing_justification_is_refused_and_nothing_changes(case, group):
    assessment = _assessment(case)
    d = services.draft_decision(user=case["drafter"], client=case["client"], need_group=group, main_goal="SKAFFE_ARBEID",
                                assessment=assessment)
    before = _rows()
    with pytest.raises(InvalidInput) as exc:
        services.submit_decision(user=case["drafter"], decision=d)
    assert "justification" in exc.value.errors
    assert _rows() == before
    entry = AuditEntry.objects.filter(client_id=case["client"].pk).order_by("-id").first()
    assert entry.what == "14a-vedtak: send" and "avvist" in entry.why


def test_standard_after_permanent_needs_justification(case):
    _send(case, "VARIG_TILPASSET_INNSATS", goal="OKE_DELTAKELSE")
    d = services.draft_decision(user=case["drafter"], client=case["client"], need_group="STANDARD_INNSATS", main_goal="SKAFFE_ARBEID")
    with pytest.raises(InvalidInput) as exc:
        services.submit_decision(user=case["drafter"], decision=d)
    assert set(exc.value.errors) == {"justification"}
    services.update_draft(user=case["drafter"], decision=d, expected_version=d.version, justification="Helsen er bedre.")
    assert services.submit_decision(user=case["drafter"], decision=d).status == D.SENT


@pytest.mark.parametrize("group", ["SPESIELT_TILPASSET_INNSATS", "GRADERT_VARIG_TILPASSET_INNSATS", "VARIG_TILPASSET_INNSATS"])
def test_special_and_permanent_groups_need_an_assessment_with_reduced_capacity(case, group):
    d = services.draft_decision(user=case["drafter"], client=case["client"], need_group=group, main_goal="SKAFFE_ARBEID",
                                justification="Begrunnelse.")
    with pytest.raises(InvalidInput) as exc:
        services.submit_decision(user=case["drafter"], decision=d)
    assert set(exc.value.errors) == {"assessment"}
    not_reduced = _assessment(case, reduced=False)
    d = services.update_draft(user=case["drafter"], decision=d, expected_version=d.version, assessment=not_reduced)
    with pytest.raises(InvalidInput) as exc:
        services.submit_decision(user=case["drafter"], decision=d)
    assert set(exc.value.errors) == {"assessment"}
    d = services.update_draft(user=case["drafter"], decision=d, expected_version=d.version, assessment=_assessment(case))
    assert services.submit_decision(user=case["drafter"], decision=d).status in (D.SENT, D.AWAITING_APPROVAL)


def test_assessment_of_another_client_is_refused(case):
    other = f.client(case["office"])
    wca = _assessment(case, client=other)
    with pytest.raises(InvalidInput) as exc:
        services.draft_decision(user=case["drafter"], client=case["client"], need_group="SPESIELT_TILPASSET_INNSATS",
                                main_goal="SKAFFE_ARBEID", justification="x", assessment=wca)
    assert "assessment" in exc.value.errors
    d = services.draft_decision(user=case["drafter"], client=case["client"], need_group="SPESIELT_TILPASSET_INNSATS",
                                main_goal="SKAFFE_ARBEID", justification="x")
    with pytest.raises(InvalidInput) as exc:
        services.update_draft(user=case["drafter"], decision=d, expected_version=d.version, assessment=wca)
    assert "assessment" in exc.value.errors
    d.refresh_from_db()
    assert d.assessment_id is None


@pytest.mark.parametrize("group", ["SITUASJONSBESTEMT_INNSATS", "SPESIELT_TILPASSET_INNSATS", "STANDARD_INNSATS"])
def test_increased_participation_only_with_permanent_groups(case, group):
    d = services.draft_decision(user=case["drafter"], client=case["client"], need_group=group, main_goal="OKE_DELTAKELSE",
                                justification="x", assessment=_assessment(case))
    with pytest.raises(InvalidInput) as exc:
        services.submit_decision(user=case["drafter"], decision=d)
    assert "main_goal" in exc.value.errors


@pytest.mark.parametrize("group", sorted(PERMANENT))
def test_permanent_groups_go_to_a_second_approver_who_is_not_the_drafter(case, group):
    d = services.draft_decision(user=case["drafter"], client=case["client"], need_group=group, main_goal="OKE_DELTAKELSE",
                                justification="Varig nedsatt arbeidsevne.", assessment=_assessment(case))
    d = services.submit_decision(user=case["drafter"], decision=d)
    assert d.status == D.AWAITING_APPROVAL and d.sent_at is None
    task = Task.objects.get(decision=d, kind=Task.Kind.APPROVE_DECISION)
    assert task.status == Task.Status.OPEN
    case["client"].refresh_from_db()
    assert case["client"].need_group == ""  # nothing in force before approval

    # The drafter holds the approver role but cannot approve their own draft.
    before = _rows()
    with pytest.raises(AccessDenied) as exc:
        services.approve_decision(user=case["drafter"], decision=d)
    assert exc.value.field == "approver"
    assert _rows() == before
    denied = AuditEntry.objects.filter(client_id=case["client"].pk).order_by("-id").first()
    assert denied.action == AuditEntry.Action.DENIED and denied.actor_id == case["drafter"].pk

    # A counsellor without the approver role cannot either.
    with pytest.raises(AccessDenied):
        services.approve_decision(user=case["counsellor"], decision=d)
    assert _rows() == before

    d = services.approve_decision(user=case["approver"], decision=d)
    assert d.status == D.SENT and d.approver_id == case["approver"].staff.pk and d.approved_at is not None
    task.refresh_from_db()
    assert task.status == Task.Status.DONE
    case["client"].refresh_from_db()
    assert case["client"].need_group == group and case["client"].reduced_work_capacity


def test_database_refuses_an_approver_who_drafted(case):
    d = _send(case, "VARIG_TILPASSET_INNSATS", goal="OKE_DELTAKELSE")
    with pytest.raises(IntegrityError), transaction.atomic():
        NeedsDecision.objects.filter(pk=d.pk).update(approver_id=d.drafted_by_id)


def test_a_sent_decision_is_never_edited(case):
    d = _send(case, "SITUASJONSBESTEMT_INNSATS")
    d.justification = "Endret i ettertid"
    with pytest.raises(ValidationError):
        d.save()
    d = NeedsDecision.objects.get(pk=d.pk)
    with pytest.raises(Conflict):
        services.update_draft(user=case["drafter"], decision=d, expected_version=d.version, justification="Endret")
    with pytest.raises(Conflict):
        services.discard_draft(user=case["drafter"], decision=d)
    with pytest.raises(Conflict):
        services.submit_decision(user=case["drafter"], decision=d)
    assert NeedsDecision.objects.get(pk=d.pk).justification == "Begrunnelse."


def test_stale_copy_of_a_sent_decision_cannot_be_discarded_or_returned(case):
    """A page opened while the decision was a draft must not overwrite it once it is sent."""
    d = services.draft_decision(user=case["drafter"], client=case["client"], need_group="SITUASJONSBESTEMT_INNSATS",
                                main_goal="SKAFFE_ARBEID", justification="x")
    stale = NeedsDecision.objects.get(pk=d.pk)
    services.submit_decision(user=case["drafter"], decision=d)
    with pytest.raises(Conflict):
        services.discard_draft(user=case["drafter"], decision=stale)
    assert NeedsDecision.objects.get(pk=d.pk).status == D.SENT


def test_a_new_decision_replaces_the_old_and_history_stays(case):
    first = _send(case, "STANDARD_INNSATS", justification="")
    second = _send(case, "SITUASJONSBESTEMT_INNSATS", justification="Trenger veiledning.")
    third = _send(case, "VARIG_TILPASSET_INNSATS", goal="OKE_DELTAKELSE")
    assert second.replaces_id == first.pk and third.replaces_id == second.pk
    assert [d.status for d in NeedsDecision.objects.filter(pk__in=[first.pk, second.pk])] == [D.SENT, D.SENT]
    assert NeedsDecision.objects.get(pk=first.pk).need_group == "STANDARD_INNSATS"
    case["client"].refresh_from_db()
    assert case["client"].need_group == "VARIG_TILPASSET_INNSATS"
    history = selectors.decisions(user=case["drafter"], client_id=case["client"].pk)
    assert [d.pk for d in history] == [third.pk, second.pk, first.pk]
    card = selectors.person(user=case["drafter"], client_id=case["client"].pk, card=True)
    assert card.current_decision.pk == third.pk


def test_only_one_open_draft_per_client(case):
    services.draft_decision(user=case["drafter"], client=case["client"], need_group="STANDARD_INNSATS", main_goal="SKAFFE_ARBEID")
    with pytest.raises(Conflict):
        services.draft_decision(user=case["drafter"], client=case["client"], need_group="STANDARD_INNSATS", main_goal="SKAFFE_ARBEID")
    assert NeedsDecision.objects.filter(client=case["client"]).count() == 1


def test_draft_with_unknown_codes_is_refused(case):
    with pytest.raises(InvalidInput) as exc:
        services.draft_decision(user=case["drafter"], client=case["client"], need_group="X", main_goal="Y")
    assert set(exc.value.errors) == {"need_group", "main_goal"}
    assert not NeedsDecision.objects.exists()
    d = services.draft_decision(user=case["drafter"], client=case["client"], need_group="STANDARD_INNSATS", main_goal="SKAFFE_ARBEID")
    with pytest.raises(InvalidInput) as exc:
        services.update_draft(user=case["drafter"], decision=d, expected_version=d.version, need_group="X")
    assert "need_group" in exc.value.errors
    assert NeedsDecision.objects.get(pk=d.pk).need_group == "STANDARD_INNSATS"


def test_drafts_are_not_shown_to_the_client(case):
    services.draft_decision(user=case["drafter"], client=case["client"], need_group="STANDARD_INNSATS", main_goal="SKAFFE_ARBEID")
    me = f.client_user(case["client"])
    assert selectors.decisions(user=me, client_id=case["client"].pk) == []
    assert not [e for e in selectors.journal(user=me, client_id=case["client"].pk) if e.kind == "decision"]


def test_update_draft_with_a_stale_version_is_a_conflict(case):
    d = services.draft_decision(user=case["drafter"], client=case["client"], need_group="SITUASJONSBESTEMT_INNSATS",
                                main_goal="SKAFFE_ARBEID", justification="Første")
    v = d.version
    services.update_draft(user=case["drafter"], decision=NeedsDecision.objects.get(pk=d.pk), expected_version=v,
                          justification="Andre")
    before = _rows()
    with pytest.raises(Conflict) as exc:
        services.update_draft(user=case["drafter"], decision=NeedsDecision.objects.get(pk=d.pk), expected_version=v,
                              justification="Tredje")
    assert exc.value.field == "version"
    assert _rows() == before
    assert NeedsDecision.objects.get(pk=d.pk).justification == "Andre"


def test_submit_with_a_stale_version_is_a_conflict(case):
    d = services.draft_decision(user=case["drafter"], client=case["client"], need_group="SITUASJONSBESTEMT_INNSATS",
                                main_goal="SKAFFE_ARBEID", justification="x")
    services.update_draft(user=case["drafter"], decision=d, expected_version=1, justification="y")
    with pytest.raises(Conflict):
        services.submit_decision(user=case["drafter"], decision=d, expected_version=1)
    assert NeedsDecision.objects.get(pk=d.pk).status == D.DRAFT


def test_approver_returns_the_decision_to_the_drafter(case):
    d = services.draft_decision(user=case["drafter"], client=case["client"], need_group="VARIG_TILPASSET_INNSATS",
                                main_goal="OKE_DELTAKELSE", justification="x", assessment=_assessment(case))
    d = services.submit_decision(user=case["drafter"], decision=d)
    with pytest.raises(InvalidInput) as exc:
        services.return_decision(user=case["approver"], decision=d, reason="  ")
    assert exc.value.field == "reason"
    with pytest.raises(AccessDenied):
        services.return_decision(user=case["drafter"], decision=d, reason="Egen retur")
    d = services.return_decision(user=case["approver"], decision=d, reason="Begrunnelsen må utdypes.")
    assert d.status == D.DRAFT
    assert Task.objects.get(decision=d, kind=Task.Kind.APPROVE_DECISION).status == Task.Status.CANCELLED
    back = Task.objects.get(decision=d, status=Task.Status.OPEN)
    assert back.owner_id == d.drafted_by_id
    # The drafter can now change and resubmit.
    d = services.update_draft(user=case["drafter"], decision=d, expected_version=d.version, justification="Utdypet.")
    assert services.submit_decision(user=case["drafter"], decision=d).status == D.AWAITING_APPROVAL


@pytest.mark.parametrize("awaiting", [False, True])
def test_discard_a_draft(case, awaiting):
    d = services.draft_decision(user=case["drafter"], client=case["client"], need_group="VARIG_TILPASSET_INNSATS",
                                main_goal="OKE_DELTAKELSE", justification="x", assessment=_assessment(case))
    if awaiting:
        d = services.submit_decision(user=case["drafter"], decision=d)
    d = services.discard_draft(user=case["drafter"], decision=d)
    assert d.status == D.DISCARDED
    assert not Task.objects.filter(decision=d, status=Task.Status.OPEN).exists()
    case["client"].refresh_from_db()
    assert case["client"].need_group == ""
    # A new draft is allowed once the old one is gone.
    services.draft_decision(user=case["drafter"], client=case["client"], need_group="STANDARD_INNSATS", main_goal="SKAFFE_ARBEID")


@given(
    group=st.sampled_from(sorted(GROUPS)),
    goal=st.sampled_from(GOALS),
    justification=st.sampled_from(["", "Begrunnelse."]),
    assessment=st.sampled_from([None, "reduced", "not_reduced"]),
    current=st.sampled_from([None, "STANDARD_INNSATS", "VARIG_TILPASSET_INNSATS"]),
)
def test_submit_refuses_exactly_what_the_rules_refuse(case, group, goal, justification, assessment, current):
    """The service applies the rules: for any combination, the refused fields are the rule's."""
    client = f.client(case["office"], case["drafter"].staff)
    c = dict(case, client=client)
    if current:
        _send(c, current, goal="OKE_DELTAKELSE" if current in PERMANENT else "SKAFFE_ARBEID")
    wca = _assessment(c, reduced=assessment == "reduced") if assessment else None
    d = services.draft_decision(user=c["drafter"], client=client, need_group=group, main_goal=goal,
                                justification=justification, assessment=wca)
    want = expected_problems(group, goal, justification, wca is not None, assessment == "reduced", current)
    if want:
        with pytest.raises(InvalidInput) as exc:
            services.submit_decision(user=c["drafter"], decision=d)
        assert set(exc.value.errors) == want
        assert NeedsDecision.objects.get(pk=d.pk).status == D.DRAFT
    else:
        d = services.submit_decision(user=c["drafter"], decision=d)
        assert d.status == (D.AWAITING_APPROVAL if group in PERMANENT else D.SENT)


@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_send_the_decision_once(rerun_on_file_sqlite):
    if rerun_on_file_sqlite():
        return
    from tests.followup.test_activity_plan import _race

    office = f.office(f.county("13"))
    drafter = f.fresh_user(f.staff("counsellor", offices=[office]))
    approvers = [f.fresh_user(f.staff("second_approver", offices=[office])) for _ in range(2)]
    client = f.client(office)
    wca = services.create_assessment(user=drafter, client=client, resource_profile="r", client_self_assessment="s",
                                     reduced_work_capacity=True)
    d = services.draft_decision(user=drafter, client=client, need_group="VARIG_TILPASSET_INNSATS", main_goal="OKE_DELTAKELSE",
                                justification="b", assessment=wca)
    services.submit_decision(user=drafter, decision=d)
    results = _race([(lambda u=u: services.approve_decision(user=u, decision=NeedsDecision.objects.get(pk=d.pk)))
                     for u in approvers])
    assert results == ["conflict", "ok"], results
    assert NeedsDecision.objects.filter(client=client, status=D.SENT).count() == 1
    assert JournalEntry.objects.filter(client=client, kind="decision", visible_to_client=True).count() == 1


def test_a_sent_decision_cannot_be_deleted_but_a_draft_can(case):
    sent = _send(case, "STANDARD_INNSATS", justification="")
    with pytest.raises(ValidationError):
        sent.delete()
    assert NeedsDecision.objects.filter(pk=sent.pk, status=D.SENT).exists()
    draft = services.draft_decision(user=case["drafter"], client=case["client"], need_group="STANDARD_INNSATS",
                                    main_goal="SKAFFE_ARBEID")
    draft.delete()
    assert not NeedsDecision.objects.filter(pk=draft.pk).exists()
