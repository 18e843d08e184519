"""One full flow with the keyboard alone (Tab, Shift+Tab, Enter, typing; no mouse, no clicks):
a counsellor logs in, finds the client, writes a § 14 a decision for permanently adapted
effort and sends it to a second approver; the second approver logs in, follows the menu's count
to the queue, reads the decision and approves it through the confirmation step. At every step the
focus is on a visible element, never on <body>. Screenshots in test-results/screenshots/kbd-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from skreddersy.followup import services
from skreddersy.followup.models import NeedsDecision
from tests import factories as f
from tests.browser.test_followup_journeys import named, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = """() => { const a = document.activeElement;
  if (!a || a === document.body) return null;
  const r = a.getBoundingClientRect();
  return {tag: a.tagName.toLowerCase(), text: (a.innerText || a.value || a.getAttribute('aria-label') || '').trim().slice(0, 80),
          name: a.getAttribute('name') || '', visible: r.width > 0 && r.height > 0,
          outline: getComputedStyle(a).outlineStyle !== 'none' || getComputedStyle(a).boxShadow !== 'none'}; }"""


def tab_to(page, *, text: str | None = None, name: str | None = None, limit: int = 80, back: bool = False) -> dict:
    """Press Tab until the focused element shows ``text`` (or has the form name ``name``). Focus
    on <body> is allowed only where the tab order wraps round (past the page's last element)."""
    info = page.evaluate(FOCUSED)
    if info and ((text is not None and text in info["text"]) or (name is not None and info["name"] == name)):
        return info  # already there (autofocus)
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        info = page.evaluate(FOCUSED)
        if info is None:
            continue  # wrapped round to the browser's own controls
        assert info["visible"], f"focus on an invisible element: {info}"
        if (text is not None and text in info["text"]) or (name is not None and info["name"] == name):
            assert info["outline"], f"no visible focus indicator on {info}"
            return info
    raise AssertionError(f"{limit} Tab presses did not reach {text or name!r}")


def keyboard_login(page, base, username):
    page.goto(base + "/logg-inn/")
    tab_to(page, name="username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(f.PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_decision_from_draft_to_approval_with_the_keyboard_alone(page, live_server):
    office = f.office(f.county("42"), name="Nav Arendal")
    drafter = f.staff("counsellor", offices=[office], username="tast1")
    f.staff("second_approver", "counsellor", offices=[office], username="tast2")
    client = named(f.client(office, drafter), "Nora", "Nilsen")
    services.create_assessment(
        user=drafter.user,
        client=client,
        resource_profile="Ressurser: lang erfaring.\nHindringer: helse.",
        client_self_assessment="Jeg kan jobbe litt.",
        reduced_work_capacity=True,
    )
    base = live_server.url

    keyboard_login(page, base, "tast1")
    tab_to(page, text="Nilsen, Nora")
    with page.expect_navigation(url=f"**/bruker/{client.pk}/**"):
        page.keyboard.press("Enter")
    tab_to(page, text="Nytt § 14 a-vedtak")
    with page.expect_navigation(url="**/vedtak/nytt/"):
        page.keyboard.press("Enter")
    tab_to(page, name="need_group")
    page.keyboard.type("Varig")  # type-ahead in a closed select
    assert page.locator("#id_need_group").input_value() == "VARIG_TILPASSET_INNSATS"
    # the rule now applies: the justification is marked required, not "(valgfritt)"
    assert page.locator("#id_justification").get_attribute("aria-required") == "true"
    tab_to(page, name="main_goal")
    page.keyboard.type("Skaffe")
    tab_to(page, name="justification")
    page.keyboard.type("Varig nedsatt arbeidsevne etter arbeidsevnevurderingen.")
    tab_to(page, name="assessment")
    page.keyboard.press("ArrowDown")
    shot(page, "kbd-decision-form")
    tab_to(page, text="Send vedtaket")
    with page.expect_navigation(url=f"**/bruker/{client.pk}/**"):
        page.keyboard.press("Enter")
    d = NeedsDecision.objects.get(client=client)
    assert d.status == NeedsDecision.Status.AWAITING_APPROVAL
    tab_to(page, text="Logg ut")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    keyboard_login(page, base, "tast2")
    info = tab_to(page, text="Til beslutter")
    assert "1" in info["text"]  # the menu's count
    with page.expect_navigation(url="**/beslutter/"):
        page.keyboard.press("Enter")
    tab_to(page, text="Beslutt")
    with page.expect_navigation(url=f"**/vedtak/{d.pk}/"):
        page.keyboard.press("Enter")
    assert "Ressurser: lang erfaring." in page.locator("#h-aev").locator("..").inner_text()
    tab_to(page, text="Godkjenn og send vedtaket")
    page.keyboard.press("Enter")  # opens the confirmation; nothing is sent yet
    d.refresh_from_db()
    assert d.status == NeedsDecision.Status.AWAITING_APPROVAL
    shot(page, "kbd-approve-confirm")
    tab_to(page, text="Ja, godkjenn og send")
    with page.expect_navigation(url="**/beslutter/"):
        page.keyboard.press("Enter")
    d.refresh_from_db()
    assert d.status == NeedsDecision.Status.SENT
    assert "Vedtaket er godkjent" in page.locator(".app-messages").inner_text()
    shot(page, "kbd-approved")


def test_focus_stays_in_the_region_an_htmx_swap_replaced(page, live_server):
    """The matching panel replaces itself (hx-swap=outerHTML) after a referral: the button that had
    the focus is gone, and the focus goes to the new panel's status message, not to <body>."""
    from django.core.management import call_command

    from skreddersy.clients.models import Client
    from skreddersy.core.models import User

    call_command("seed", scale="demo", seed=1, clients=60, no_progress=True)
    User.objects.update(password=f._hashed_password())
    me = User.objects.get(username="veileder1").staff
    client = (
        Client.objects.filter(counsellor=me, need_group__isnull=False).exclude(need_group="").order_by("pk").first()
    )
    base = live_server.url
    keyboard_login(page, base, "veileder1")
    page.goto(base + f"/tiltak/matching/{client.pk}/")
    page.wait_for_load_state("networkidle")
    tab_to(page, text="Henvis", limit=150)
    with page.expect_response(lambda r: "/velg/" in r.url):
        page.keyboard.press("Enter")
    expect(page.locator("#matching-panel [role=status], #matching-panel [role=alert]").first).to_be_attached()
    page.wait_for_timeout(300)  # htmx settles after the swap
    where = page.evaluate("""() => { const a = document.activeElement;
        return {body: a === document.body, inPanel: !!a.closest('#matching-panel'), tag: a.tagName, text: a.innerText.slice(0, 60)}; }""")
    assert not where["body"] and where["inPanel"], where
    shot(page, "kbd-focus-after-swap")
