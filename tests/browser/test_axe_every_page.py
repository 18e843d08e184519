"""axe-core on every page: 0 serious or critical accessibility violations.

The pages are found by walking Django's URL patterns (so a new page is checked from the day it is
added); each pattern's ids are filled from the demo data for a role that may see it: counsellor,
leader, second approver, analyst, job specialist, method supervisor, the client on Min side, and
nobody (the login pages). A pattern that answers a GET with HTML is a page and is checked; one
that answers 405 (a POST-only action) or with a file (CSV, PDF, SPSS) is not a page. A pattern
whose ids this test cannot fill fails it, naming the pattern: teach ``FILL`` how to find one.
Decision record: docs/decisions/0037-forms-axe-core.md."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from playwright.sync_api import Error as PlaywrightError

from tests import factories as f
from tests.browser.conftest import SHOTS

# Playwright's sync API runs an event loop in this thread; the ORM calls here are ordinary sync code
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
AXE_SHA256 = "KTSJmUUM3yhJqOcLeRL8LahahJ2jnA0NU5T1HUqe2Vw="  # axe-core's own sri-history.json for 4.14.1
BLOCKING = {"serious", "critical"}
SKIP_PREFIXES = ("admin/", "api/", "i18n/")  # Django's admin (not ours), the JSON API, the language switch (POST)
# Pages outside min-side/ that a client opens too, checked again as a client who reads nynorsk.
NYNORSK_ALSO = {"decision_letter", "accessibility_statement", "own_access_log"}
NOT_PAGES = {
    "logout": "POST only; a GET would log out",
    "health": "plain-text health check for the load balancer",
    "insight_answer_link": "a survey invitation token: consumed on use and redirects to the answer form (checked as insight_answer)",
    "grant_decide": "POST only: approve or refuse a grant (the page is /tilganger/)",
    "handout_rule_delete": "POST only (the page is fordeling/regler/)",
    "pending_resolve": "POST only (the page is fordeling/)",
    "cover_end": "POST only (the page is veilederoversikt/)",
    "meeting_cancel": "POST only (the page is mote/<id>/)",
    "insight_calibration_close": "POST only (the page is innsikt/kalibrering/<id>/)",
    "language_need_done": "POST only: an interpreter/translation mark followed up (the page is bruker/<id>/)",
}


def _patterns(patterns=None, prefix=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            route = prefix + str(p.pattern)
            if not route.startswith(SKIP_PREFIXES):
                yield from _patterns(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _people():
    """One login per role, from the demo data (``manage.py demo_logins`` lists the same)."""
    from skreddersy.core.models import User  # noqa: PLC0415

    names = {
        "counsellor": "veileder1",
        "leader": "leder.bergenhus",
        "approver": "beslutter.bergenhus",
        "analyst": "analytiker",
        "job_specialist": "jobbspesialist.bergenhus",
        "supervisor": "metodeveileder.bergenhus",
        "team_leader": "teamleder.bergenhus",
        "admin": "admin",
    }
    people = {role: User.objects.get(username=u) for role, u in names.items()}
    clients = User.objects.filter(kind="client", client__isnull=False).order_by("username")
    people["client"] = clients.first()
    # a second client who reads nynorsk: Min side and the decision letter are checked in nynorsk too
    people["client_nn"] = clients.exclude(pk=people["client"].pk).filter(client__decisions__status="sent").first()
    people["client_nn"].client.written_standard = "nn"
    people["client_nn"].client.save(update_fields=["written_standard"])
    return people


def _fill(user):
    """Ids a user may open, per URL keyword: a list of candidates, best first."""
    from skreddersy.clients.models import Client  # noqa: PLC0415
    from skreddersy.core.models import Team, User  # noqa: PLC0415
    from skreddersy.followup import models as fm  # noqa: PLC0415
    from skreddersy.insight import models as im  # noqa: PLC0415
    from skreddersy.measures import models as mm  # noqa: PLC0415
    from skreddersy.notifications.models import Notification  # noqa: PLC0415
    from skreddersy.policy import access  # noqa: PLC0415
    from skreddersy.work import models as wm  # noqa: PLC0415

    a = access.actor(user)
    if a.is_client:
        clients = Client.objects.filter(user=user)
    else:
        clients = Client.objects.filter(access.client_filter(user))
    cids = list(clients.order_by("pk").values_list("pk", flat=True)[:200])
    rich = list(fm.NeedsDecision.objects.filter(client_id__in=cids).values_list("client_id", flat=True)[:3])

    def ids(qs, n=3):
        return list(qs.values_list("pk", flat=True)[:n])

    staff_offices = list(a.office_ids) if not a.is_client else []
    return {
        "client_id": rich + cids[:3],
        "decision_id": ids(fm.NeedsDecision.objects.filter(client_id__in=cids).order_by("-status", "-pk")),
        "activity_id": ids(fm.Activity.objects.filter(client_id__in=cids).order_by("client_approved_at", "pk")),
        "thread_id": ids(fm.Thread.objects.filter(client_id__in=cids)),
        "message_id": ids(fm.Message.objects.filter(thread__client_id__in=cids)),
        "task_id": ids(fm.Task.objects.filter(client_id__in=cids)),
        "filter_id": ids(fm.SavedFilter.objects.filter(owner__user=user)),
        "notification_id": ids(Notification.objects.filter(client_id__in=cids)),
        "offering_id": ids(mm.MeasureOffering.objects.order_by("pk")),
        "referral_id": ids(mm.Referral.objects.filter(client_id__in=cids)),
        "employer_id": ids(wm.Employer.objects.order_by("pk")),
        "case_id": ids(wm.IpsCase.objects.filter(client_id__in=cids).order_by("pk")),
        "office_id": staff_offices[:3],
        "team_id": ids(Team.objects.filter(fidelity_reviews__isnull=False).distinct().order_by("pk"))
        + ids(Team.objects.order_by("pk")),
        "wave_id": ids(im.Wave.objects.order_by("-pk")),
        "survey_id": ids(im.Survey.objects.order_by("pk")),
        "key": list(im.Item.objects.order_by("pk").values_list("key", flat=True)[:2]),
        "meeting_id": ids(fm.Meeting.objects.filter(client_id__in=cids).order_by("pk")),
        "notice_id": ids(fm.AdvanceNotice.objects.filter(client_id__in=cids).order_by("pk")),
        "round_id": ids(im.CalibrationRound.objects.order_by("-pk")),
        # logins whose password an administrator may set (not an administrator's, nor one's own)
        "user_id": ids(User.objects.filter(kind="staff", is_superuser=False).exclude(pk=user.pk)
                       .exclude(staff__roles__role="administrator").order_by("pk")),
        # ids that belong together in one URL: (names, candidate value tuples)
        "pairs": [
            (
                ("case_id", "follow_along_id"),
                list(
                    wm.FollowAlong.objects.filter(start__case__client_id__in=cids).values_list("start__case_id", "pk")[
                        :3
                    ]
                ),
            ),
            (
                ("case_id", "start_id"),
                list(wm.JobStart.objects.filter(case__client_id__in=cids).values_list("case_id", "pk")[:3]),
            ),
            (
                ("client_id", "consent_id"),
                list(wm.PresentationConsent.objects.filter(client_id__in=cids).values_list("client_id", "pk")[:3]),
            ),
        ],
    }


# The role that sees a page as its users do, by URL prefix (most specific first); the others are
# tried after it when it is refused.
ROLE_BY_PREFIX = [
    ("min-side/innsyn/", "client"),
    ("min-side/", "client"),
    ("beslutter/", "approver"),
    ("tilgangslogg/", "admin"),
    ("tiltak/tildeling/nasjonalt/", "admin"),
    ("tiltak/tildeling/", "leader"),
    ("tiltak/resultater/", "leader"),
    ("arbeid/metodeveileder/", "supervisor"),
    ("arbeid/troskap/", "supervisor"),
    ("arbeid/resultater/", "leader"),
    ("arbeid/", "job_specialist"),
    ("innsikt/", "analyst"),
    ("", "counsellor"),
]
ORDER = [
    "counsellor",
    "approver",
    "leader",
    "team_leader",
    "analyst",
    "job_specialist",
    "supervisor",
    "client",
    "admin",
]


def _roles_for(route: str) -> list[str]:
    first = next(role for prefix, role in ROLE_BY_PREFIX if route.startswith(prefix))
    return [first] + [r for r in ORDER if r != first]


def _urls(route: str, pattern: URLPattern, fill: dict) -> list[str] | None:
    """Candidate URLs for one pattern (None: a keyword this test cannot fill)."""

    names = list(pattern.pattern.regex.groupindex)
    if not names:
        return ["/" + route]
    for pair, rows in fill.get("pairs", []):
        if set(pair) == set(names):
            values = [dict(zip(pair, row, strict=True)) for row in rows]
            return ["/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m, v=v: str(v[m.group(1)]), route) for v in values]
    if any(n not in fill for n in names if n not in ("action", "fmt", "token")):
        return None  # (a pair this role has no rows for is [] above: not seen by this role)
    if any(n in ("action", "fmt", "token") for n in names):
        return []  # POST actions with a verb, file exports, one-time tokens: not pages
    out = []
    for i in range(3):
        values = {n: fill[n][min(i, len(fill[n]) - 1)] for n in names if fill[n]}
        if len(values) < len(names):
            break
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m, v=values: str(v[m.group(1)]), route)
        if url not in out:
            out.append(url)
    return out


def _go(page, url: str, arrived: str | None = None) -> None:
    """Navigate to ``url``, retried when the page before is still navigating on its own (a redirect,
    an htmx poll that meets the login page once the cookies are gone). When that navigation took the
    page where we were going (``arrived``, a path), it counts as arrived."""
    for attempt in range(8):
        try:
            page.goto(url)
            return
        except PlaywrightError:
            try:
                page.wait_for_load_state()
            except PlaywrightError:
                pass
            if arrived and urlsplit(page.url).path == arrived:
                return
            if attempt == 7:
                raise
            page.wait_for_timeout(200 * (attempt + 1))


def _login(page, base, user, role):
    # leave the last page first, so none of its scripts navigates while the cookies go
    _go(page, "about:blank")
    page.context.clear_cookies()
    if role == "anonymous":
        return
    path = "/min-side/logg-inn/" if role in ("client", "client_nn") else "/logg-inn/"
    _go(page, base + path, arrived=path)
    page.get_by_label("Brukernavn").fill(user.username)
    page.get_by_label("Passord").fill(f.PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


def _axe(page, fragment: bool = False) -> list[dict]:
    """axe's violations on the page. A fragment (an htmx part served on its own URL, without <html>
    and <title>) is checked for everything but the rules about a whole document."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # evaluated by the browser's devtools protocol, which the page's Content-Security-Policy does
        # not govern (an inline <script> tag would be refused: script-src 'self', as in production)
        page.evaluate(AXE.read_text())
    off = ["document-title", "html-has-lang", "landmark-one-main", "page-has-heading-one", "region"] if fragment else []
    result = page.evaluate(
        """async (off) => {
        const rules = Object.fromEntries(off.map(id => [id, {enabled: false}]));
        const r = await axe.run(document, {resultTypes: ['violations'], rules});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n').slice(0, 3).join(' '))}));
    }""",
        off,
    )
    return result


def _start_survey(page, base) -> None:
    """The questionnaire opens only after the invited person's own button on Innsikt (a POST)."""
    page.goto(base + "/innsikt/")
    button = page.locator("form[action*='/innsikt/svar/start/'] button").first
    if button.count():
        with page.expect_navigation():
            button.click()


# pages reached only through another step, done (as the role) before the page is opened
PRELUDES = {"insight_answer": _start_survey}


def _set_passwords():
    from skreddersy.core.models import User  # noqa: PLC0415

    User.objects.update(password=f._hashed_password())


def test_axe_finds_no_serious_or_critical_violations_on_any_page(page, live_server):
    digest = base64.b64encode(hashlib.sha256(AXE.read_bytes()).digest()).decode()
    assert digest == AXE_SHA256, "tests/browser/vendor/axe-*.min.js is not the published axe-core 4.14.1"
    call_command("seed", scale="demo", seed=1, clients=60, no_progress=True)
    _set_passwords()
    people = _people()
    fills = {role: _fill(u) for role, u in people.items()}
    base = live_server.url
    page.set_default_timeout(30_000)
    # every page keeps the Content-Security-Policy (no inline script or handler, no eval): Chromium
    # reports each refusal in the console
    csp: list[str] = []
    page.on("console", lambda msg: csp.append(f"{page.url}: {msg.text}") if "Content Security Policy" in msg.text else None)

    # visit by role, so each login happens once
    plan: dict[str, list[tuple[str, str]]] = {}
    unfilled, checked, not_pages, fragments = [], [], [], []
    nynorsk_plan: dict[str, list[str]] = {}  # the client's pages again, as a client who reads nynorsk
    for route, pattern in _patterns():
        name = pattern.name or route
        if route.startswith("min-side/") or name in NYNORSK_ALSO:
            nynorsk_plan[name] = _urls(route, pattern, fills["client_nn"]) or []
        if name in NOT_PAGES:
            continue
        roles = ["anonymous"] if name in ("login", "client_login") else _roles_for(route)
        candidates = {r: _urls(route, pattern, fills.get(r, {})) for r in roles}
        if all(c is None for c in candidates.values()):
            unfilled.append(route)
            continue
        plan.setdefault(name, [])
        for r in roles:
            for url in candidates.get(r) or []:
                plan[name].append((r, url))
    assert not unfilled, f"teach _fill how to find ids for these URL patterns: {unfilled}"

    failures: dict[str, list] = {}
    minor: dict[str, list] = {}
    current_role = None
    for name, tries in plan.items():
        if not tries:
            not_pages.append(name)
            continue
        ok = False
        for role, url in tries:
            if role != current_role:
                _login(page, base, people.get(role), role)
                current_role = role
            if name in PRELUDES:
                PRELUDES[name](page, base)
            # Chromium answers an empty 405 or a file download with an error, not a page: then
            # ask again without rendering, to tell which it was
            fragment = False
            try:
                resp = page.goto(base + url, timeout=180_000)
                status, ctype = resp.status, resp.headers.get("content-type", "")
                fragment = status == 200 and "<html" not in resp.text()[:2000].lower()
            except PlaywrightError:
                probe = page.request.get(base + url, max_redirects=0, fail_on_status_code=False, timeout=180_000)
                status, ctype = probe.status, probe.headers.get("content-type", "")
            if status == 405 or (status == 200 and "text/html" not in ctype):
                not_pages.append(name)
                ok = True
                break
            if status != 200:
                continue
            try:  # late parts (hx-trigger=load) belong to the page; a slow one is checked as it stands
                page.wait_for_load_state("networkidle", timeout=60_000)
            except PlaywrightError:
                pass
            found = _axe(page, fragment)
            if fragment:
                fragments.append(name)
            bad = [v for v in found if v["impact"] in BLOCKING]
            if bad:
                failures[f"{url} ({role})"] = bad
                page.screenshot(path=str(SHOTS / f"axe-{name}.png"), full_page=True)
            others = [f"{v['id']} ({v['impact']})" for v in found if v["impact"] not in BLOCKING]
            if others:
                minor[url] = others
            checked.append((name, url, role))
            ok = True
            break
        if not ok:
            failures[name] = [f"no role got a 200 page: tried {tries}"]
    nynorsk_checked, nynorsk_skipped = [], {}
    _login(page, base, people["client_nn"], "client_nn")
    for name, urls in nynorsk_plan.items():
        for url in urls[:1]:
            resp = None
            for attempt in range(4):  # a goto interrupted by the last page's own navigation is tried again
                try:
                    resp = page.goto(base + url, timeout=180_000)
                    break
                except PlaywrightError:
                    page.wait_for_timeout(200 * (attempt + 1))
            if resp is None:  # a POST-only action (405) or a file is not a page: ask without rendering
                probe = page.request.get(base + url, max_redirects=0, fail_on_status_code=False, timeout=180_000)
                if probe.status == 405 or "text/html" not in probe.headers.get("content-type", ""):
                    nynorsk_skipped[url] = f"{probe.status} {probe.headers.get('content-type', '')}"
                    continue
                resp = page.goto(base + url, timeout=180_000)  # a page: one more try, and its error if any
            if resp is None or resp.status != 200 or "text/html" not in resp.headers.get("content-type", ""):
                nynorsk_skipped[url] = f"{resp and resp.status} {resp and resp.headers.get('content-type', '')}"
                continue
            assert page.evaluate("document.documentElement.lang") == "nn", f"{url} is not in nynorsk"
            try:
                page.wait_for_load_state("networkidle", timeout=60_000)
            except PlaywrightError:
                pass
            bad = [v for v in _axe(page) if v["impact"] in BLOCKING]
            if bad:
                failures[f"{url} (client_nn)"] = bad
                page.screenshot(path=str(SHOTS / f"axe-nn-{name}.png"), full_page=True)
            nynorsk_checked.append(url)
    print(
        json.dumps(
            {
                "checked": len(checked),
                "nynorsk_checked": nynorsk_checked,
                "fragments": fragments,
                "not_pages": sorted(not_pages),
                "moderate_or_minor": minor,
            },
            ensure_ascii=False,
            indent=1,
        )
    )
    assert not failures, json.dumps(failures, ensure_ascii=False, indent=1)
    assert not csp, "\n".join(csp[:20])
    # every role's own pages were among those checked
    assert {r for _n, _u, r in checked} >= {
        "counsellor",
        "approver",
        "leader",
        "analyst",
        "job_specialist",
        "client",
        "anonymous",
    }
    assert len(checked) >= 40
    # Min side's own page, its forms and the decision letter were checked in nynorsk
    assert {"/min-side/", "/min-side/skriv/", "/tilgjengelighet/"} <= set(nynorsk_checked), (nynorsk_checked,
                                                                                           nynorsk_skipped)
    assert any(u.startswith("/vedtak/") and u.endswith("/brev/") for u in nynorsk_checked), nynorsk_checked
