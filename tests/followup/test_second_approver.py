"""The second approver's (beslutter's) work: the menu counts the decisions that wait for them
(exactly the queue's, less their own drafts), the decision page shows the work capacity assessment
in full, approving asks first, and a returned draft carries the reason on the draft, on the
drafter's task and in the task inbox."""

from __future__ import annotations

import re

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from skreddersy.followup import selectors, services
from skreddersy.followup.models import NeedsDecision, Task
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db):
    county = f.county("46")
    a = f.office(county, name="Nav Alfa")
    b = f.office(county, name="Nav Beta")
    return {
        "a": a,
        "b": b,
        "approver": f.staff("second_approver", "counsellor", offices=[a]),
        "counsellor": f.staff("counsellor", offices=[a]),
        "elsewhere": f.staff("counsellor", offices=[b]),
        "other_approver": f.staff("second_approver", "counsellor", offices=[b]),
    }


def _http(staff) -> HttpClient:
    c = HttpClient()
    c.force_login(staff.user)
    return c


def _text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


def _awaiting(drafter, office, profile="Ressursprofil: lang erfaring fra lager.\nHindring: ryggplager."):
    c = f.client(office, drafter)
    a = services.create_assessment(
        user=drafter.user,
        client=c,
        resource_profile=profile,
        client_self_assessment="Jeg kan jobbe halv dag.",
        reduced_work_capacity=True,
    )
    d = services.draft_decision(
        user=drafter.user,
        client=c,
        need_group="VARIG_TILPASSET_INNSATS",
        main_goal="SKAFFE_ARBEID",
        justification="Varig nedsatt arbeidsevne.",
        assessment=a,
    )
    return services.submit_decision(user=drafter.user, decision=d)


def _menu_count(resp) -> int | None:
    m = re.search(r'<span class="app-nav-count[^"]*">(\d+)</span>', resp.content.decode())
    return int(m.group(1)) if m else None


@settings(max_examples=12)
@given(plan=st.lists(st.sampled_from(["counsellor", "approver", "elsewhere", "returned", "sent"]), max_size=6))
def test_the_menu_count_equals_the_decisions_waiting_in_the_approver_s_queue(office, plan):
    NeedsDecision.objects.all().delete()
    Task.objects.all().delete()
    for who in plan:
        if who == "elsewhere":
            _awaiting(office["elsewhere"], office["b"])  # another office: not this approver's
        elif who == "approver":
            _awaiting(office["approver"], office["a"])  # their own draft: in the queue, not waiting for them
        else:
            d = _awaiting(office["counsellor"], office["a"])
            if who == "returned":
                services.return_decision(user=office["approver"].user, decision=d, reason="Utdyp begrunnelsen.")
            elif who == "sent":
                services.approve_decision(user=office["approver"].user, decision=d)
    queue = selectors.approval_queue(user=office["approver"].user)
    waiting = [d for d in queue.items if d.drafted_by_id != queue.me_id]
    assert selectors.approvals_waiting(user=office["approver"].user) == len(waiting) == plan.count("counsellor")
    assert _menu_count(_http(office["approver"]).get(reverse("task_inbox"))) == len(waiting)


def test_no_count_in_the_menu_for_someone_who_is_not_a_second_approver(office):
    _awaiting(office["counsellor"], office["a"])
    assert selectors.approvals_waiting(user=office["counsellor"].user) is None
    resp = _http(office["counsellor"]).get(reverse("task_inbox"))
    assert _menu_count(resp) is None and reverse("approval_queue") not in resp.content.decode()


def test_the_decision_page_shows_the_work_capacity_assessment_in_full_and_approval_asks_first(office):
    profile = "Ressurser: tolv år på lager, førerkort B.\nHindringer: kroniske ryggplager, tåler ikke tunge løft."
    d = _awaiting(office["counsellor"], office["a"], profile=profile)
    html = _text(_http(office["approver"]).get(reverse("decision_detail", args=[d.pk])))
    assert (
        "Ressurser: tolv år på lager, førerkort B.<br>Hindringer: kroniske ryggplager, tåler ikke tunge løft." in html
    )
    assert "Jeg kan jobbe halv dag." in html and "Nedsatt arbeidsevne" in html
    # approving is a two-step action: the first button only opens the question
    approve_url = reverse("decision_action", args=[d.pk, "approve"])
    m = re.search(r'<details class="app-confirm app-confirm--accent">.*?</details>', html)
    assert m and f'action="{approve_url}"' in m.group(0) and "sendes til brukeren med en gang" in m.group(0)


def test_a_returned_draft_shows_the_reason_on_the_draft_the_task_and_the_inbox(office):
    d = _awaiting(office["counsellor"], office["a"])
    reason = "Begrunnelsen må si hvorfor arbeidsevnen er varig nedsatt. " * 12  # longer than a task note (500)
    resp = _http(office["approver"]).post(reverse("decision_action", args=[d.pk, "return"]), {"reason": reason})
    assert resp.status_code == 302
    d.refresh_from_db()
    assert d.status == NeedsDecision.Status.DRAFT and d.return_reason == reason.strip()
    assert d.returned_by_id == office["approver"].pk and d.returned_at is not None
    task = Task.objects.get(decision=d, status=Task.Status.OPEN)
    assert task.owner_id == office["counsellor"].pk
    assert task.note.startswith("Begrunnelsen må si") and len(task.note) <= 500
    counsellor = _http(office["counsellor"])
    draft_page = _text(counsellor.get(reverse("decision_detail", args=[d.pk])))
    assert reason.strip() in draft_page  # in full on the draft
    assert "Returnert fra beslutter" in draft_page
    inbox = _text(counsellor.get(reverse("task_inbox")))
    assert "Vedtak returnert fra beslutter" in inbox and "Begrunnelsen må si hvorfor" in inbox


def test_the_api_returns_with_the_reason(office):
    d = _awaiting(office["counsellor"], office["a"])
    resp = _http(office["approver"]).post(
        f"/api/v1/decisions/{d.pk}/return", {"reason": "Mangler dato for AEV."}, content_type="application/json"
    )
    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "draft" and resp.json()["return_reason"] == "Mangler dato for AEV."
