"""The person page, the rest of its long sections on demand (htmx "show more") and the case export.

The page shows the first screen of each section (``selectors.person``); the journal, the dialogue,
older messages of a thread, finished activities and meeting notes come a page at a time from the
views below, each one read audited as a read of that client. Without htmx each of them sends the
browser back to the page, at the section."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode

from skreddersy.core import clock
from skreddersy.followup import export, forms, overview, selectors
from skreddersy.followup.views._common import SAVED_TAG, is_htmx, person_url, staff_view

# a journal link's target: the query parameter and the ``selectors.person`` focus key
FOCUS_PARAMS = {"melding": "message", "traad": "thread", "aktivitet": "activity", "referat": "note"}


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 19 else None


def _focus(query) -> dict:
    for param, key in FOCUS_PARAMS.items():
        n = _int(query.get(param))
        if n:
            return {key: n}
    return {}


def split_saved(request) -> tuple[dict | None, list]:
    """The confirmation of a save, which the page shows beside what changed (its anchor is in the
    message's tag), and the other messages, which the page shows at the top as usual."""
    saved, rest = None, []
    for m in get_messages(request):
        tag = next((t for t in (m.extra_tags or "").split() if t.startswith(SAVED_TAG)), None)
        if tag:
            anchor = tag.removeprefix(SAVED_TAG)
            kind, _sep, pk = anchor.rpartition("-")
            saved = {
                "anchor": anchor,
                "kind": kind if pk.isdigit() else anchor,
                "id": int(pk) if pk.isdigit() else None,
                "text": str(m),
            }
        else:
            rest.append(m)
    return saved, rest


@staff_view
def person_page(request, client_id: int):
    kinds = selectors.journal_kinds(request.GET.getlist("type"))
    period = _int(request.GET.get("periode"))
    focus = _focus(request.GET)
    p = selectors.person(
        user=request.user, client_id=client_id, journal_kinds=kinds or None, focus=focus, period_id=period
    )
    saved, rest = split_saved(request)
    return render(
        request,
        "followup/person.html",
        {
            "p": p,
            "client": p.client,
            "kinds": selectors.JOURNAL_KINDS,
            "selected_kinds": kinds,
            "reply_form": forms.ReplyForm(),
            "route_choices": selectors.MESSAGE_ROUTES,
            "flag_labels": overview.FLAG_LABELS,
            "can_approve_draft": p.can_approve_draft,
            "now": clock.now(),
            "saved": saved,
            "messages": rest,
            "journal_cursor": p.journal_cursor,
            "period_choices": [(r.period.pk, r.label) for r in p.periods or ()],
            "selected_period": period,
            # what the page's partials read that only their htmx views set: given here, where each
            # lookup of a missing one raised and caught four exceptions (113 per long-history page)
            **PARTIAL_DEFAULTS,
            "is_nav": p.is_nav,
            # a journal link's note is marked like its message (only a note on the page can match)
            "focus_note_id": focus.get("note"),
        },
    )


PARTIAL_DEFAULTS = {"more": False, "reply_error": "", "reply_body": "", "oob": False}


@staff_view
def person_journal(request, client_id: int):
    """The journal, filtered by kind, a page at a time after ``etter`` (htmx partial; the whole
    page without htmx). Without ``etter`` the list is replaced (a new filter); with it the next
    entries are appended in place of the "show more" button."""
    kinds = selectors.journal_kinds(request.GET.getlist("type"))
    period = _int(request.GET.get("periode"))
    if not is_htmx(request):
        query = {"type": kinds} if kinds else {}
        if period:
            query["periode"] = period
        return redirect(person_url(client_id) + ("?" + urlencode(query, doseq=True) if query else "") + "#journal")
    after = _int(request.GET.get("etter"))
    page = selectors.journal_page(
        user=request.user,
        client_id=client_id,
        kinds=kinds or None,
        before_id=after,
        limit=selectors.JOURNAL_PAGE if after else selectors.JOURNAL_FIRST,
        period_id=period,
    )
    ctx = {
        "entries": page.items,
        "journal_cursor": page.cursor,
        "kinds": selectors.JOURNAL_KINDS,
        "selected_kinds": kinds,
        "selected_period": period,
        "client_id": client_id,
    }
    return render(request, "followup/_journal_more.html" if after else "followup/_journal.html", ctx)


@staff_view
def person_threads(request, client_id: int):
    """More dialogue threads after ``etter`` (htmx), each with its newest messages."""
    if not is_htmx(request):
        return redirect(person_url(client_id, "dialog"))
    page = selectors.thread_page(
        user=request.user,
        client_id=client_id,
        before_id=_int(request.GET.get("etter")),
        limit=selectors.THREADS_FIRST * 2,
    )
    return render(
        request,
        "followup/_threads_more.html",
        {
            "threads": page.items,
            "threads_cursor": page.cursor,
            "client_id": client_id,
            "route_choices": selectors.MESSAGE_ROUTES,
        },
    )


@staff_view
def thread_older(request, thread_id: int):
    """A thread's older messages before ``for`` (htmx): put above those shown."""
    thread, page = selectors.thread_messages(
        user=request.user, thread_id=thread_id, before_id=_int(request.GET.get("for"))
    )
    if not is_htmx(request):
        return redirect(person_url(thread.client_id) + f"?traad={thread.pk}#traad-{thread.pk}")
    return render(
        request,
        "followup/_messages_older.html",
        {
            "t": thread,
            "messages_page": page.items,
            "cursor": page.cursor,
            "route_choices": selectors.MESSAGE_ROUTES,
        },
    )


@staff_view
def person_activities(request, client_id: int):
    """More finished and cancelled activities from ``fra`` (htmx)."""
    if not is_htmx(request):
        return redirect(person_url(client_id, "plan"))
    page, nxt = selectors.closed_activities(
        user=request.user, client_id=client_id, offset=_int(request.GET.get("fra")) or 0
    )
    return render(
        request,
        "followup/_activities_more.html",
        {"items": page.items, "next": nxt if page.more else None, "client_id": client_id, "is_nav": True},
    )


@staff_view
def person_notes(request, client_id: int):
    """More meeting notes from ``fra`` (htmx)."""
    if not is_htmx(request):
        return redirect(person_url(client_id, "referater"))
    page, nxt = selectors.notes_page(user=request.user, client_id=client_id, offset=_int(request.GET.get("fra")) or 0)
    return render(
        request,
        "followup/_notes_more.html",
        {"notes": page.items, "next": nxt if page.more else None, "client_id": client_id},
    )


@staff_view
def export_case(request, client_id: int):
    record = selectors.case_record(user=request.user, client_id=client_id)
    html = export.render_case_record(request, record)
    resp = HttpResponse(html, content_type="text/html; charset=utf-8")
    if request.GET.get("last_ned") == "1":
        resp["Content-Disposition"] = f'attachment; filename="sak-{record.client.pk}.html"'
    resp["Cache-Control"] = "no-store"
    return resp
