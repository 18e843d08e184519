"""Every write in follow-up: § 14 a decisions, assessments, the activity plan, dialogue, meeting
notes and tasks. Keyword-only functions; each takes the record it changes as an instance or as its
id, checks access once, validates, writes in one transaction, appends to the journal and leaves
one audit entry (refused attempts too). Pages and the API call these and check nothing themselves."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from skreddersy import journal
from skreddersy.clients.models import Client, KvpPeriod
from skreddersy.clients.services import load_client, touch_contact
from skreddersy.core import audit, clock, stored_text
from skreddersy.core.audit import audited_write
from skreddersy.core.errors import AccessDenied, Conflict, Hidden, InvalidInput, NotFound
from skreddersy.core.models import OfficeMembership
from skreddersy.followup import overview, rules, triage
from skreddersy.followup.models import (
    Activity,
    ActivityPlan,
    Category,
    ClientCategory,
    JournalEntry,
    LanguageNeed,
    MeetingNote,
    Message,
    NeedsDecision,
    OverviewSettings,
    Reminder,
    SavedFilter,
    Task,
    Thread,
    WorkCapacityAssessment,
)
from skreddersy.notifications.outbox import notify
from skreddersy.policy import access
from skreddersy.timeuse import record as timelog

ANSWER_WITHIN = dt.timedelta(hours=48)
Kind = journal.Kind

# The task a client's disagreement with an activity gives the counsellor (stored in Norwegian, shown
# in the reader's language by core.stored_text.render).
DISAGREEMENT_TASK = stored_text.pattern(gettext_noop("Svar innen 48 timer: bruker er uenig eller har spørsmål om «%(activity)s»"))


def _staff(user):
    staff = access.actor(user).staff
    if staff is None:
        raise AccessDenied(_("Bare Nav-ansatte kan gjøre dette."))
    return staff


# --- the record a write is about ------------------------------------------------------------------
# Every service takes the record it changes as an instance or as its id, so that a page or the
# API hands over what it parsed and the service alone checks access and audits (a view makes no
# reads of its own). A missing id is NotFound (404).

def _load(model, value, message: str, *related: str):
    if isinstance(value, model):
        return value
    obj = model.objects.select_related(*related).filter(pk=value).first() if isinstance(value, int) else None
    if obj is None:
        raise NotFound(message)
    return obj


_client = load_client


def _decision(value) -> NeedsDecision:
    return _load(NeedsDecision, value, "Fant ikke vedtaket.", "client")


def _activity(value) -> Activity:
    return _load(Activity, value, "Fant ikke aktiviteten.", "client")


def _thread(value) -> Thread:
    return _load(Thread, value, "Fant ikke samtalen.", "client")


def _message(value) -> Message:
    return _load(Message, value, "Fant ikke meldingen.", "thread__client")


def _task(value) -> Task:
    return _load(Task, value, "Fant ikke oppgaven.", "client")


def _require_task_seen(user, task: Task) -> None:
    """A task made while a KVP the user does not follow held the client is the KVP's (the KVP rule,
    as in the task inbox): answered as a missing task; the caller's ``audited_write`` records the
    refusal."""
    if not Task.objects.filter(access.kvp_filter(user, task.client, at="created_at"), pk=task.pk).exists():
        raise Hidden("Fant ikke oppgaven.")


def _assessment(value, client_id: int, field: str = "assessment") -> WorkCapacityAssessment | None:
    """The assessment a decision rests on, given as an instance or an id; it must be this client's."""
    if value is None:
        return None
    if not isinstance(value, WorkCapacityAssessment):
        value = WorkCapacityAssessment.objects.filter(pk=value, client_id=client_id).first() if isinstance(value, int) else None
        if value is None:
            raise InvalidInput(_("Fant ikke arbeidsevnevurderingen for denne brukeren."), field=field)
    return value


def _require_visible(user, model, pk: int, client, *, at: str, message: str, sides: bool = False) -> None:
    """A record held by a KVP period the user does not follow (``access.kvp_filter``) is, to them,
    as if it did not exist: nothing is written to it. With ``sides`` (a record with a category)
    the same for a record on the other side of the office without the client's consent
    (``access.record_filter``)."""
    rule = access.record_filter(user, client, at=at) if sides else access.kvp_filter(user, client, at=at)
    if not model.objects.filter(rule, pk=pk).exists():
        raise NotFound(message)


def _running_kvp(client_id: int):
    """The client's open KVP period, if any (its followers get the dialogue's answer tasks)."""
    return KvpPeriod.objects.filter(client_id=client_id, end__isnull=True).prefetch_related("followers").first()


# --- work capacity assessment and § 14 a decisions -----------------------------------------------

def create_assessment(*, user, client: Client | int, resource_profile: str, client_self_assessment: str, reduced_work_capacity: bool) -> WorkCapacityAssessment:
    client = _client(client)
    with audited_write(user, client.pk, "arbeidsevnevurdering") as a:
        access.require_nav(user, client, what="arbeidsevnevurdering")
        errors = {}
        if not resource_profile.strip():
            errors["resource_profile"] = _("Ressursprofilen kan ikke være tom.")
        if not client_self_assessment.strip():
            errors["client_self_assessment"] = _("Brukerens egenvurdering må være med.")
        if errors:
            raise InvalidInput(_("Arbeidsevnevurderingen er ikke fullstendig."), errors=errors)
        wca = WorkCapacityAssessment.objects.create(
            client=client,
            resource_profile=resource_profile.strip(),
            client_self_assessment=client_self_assessment.strip(),
            reduced_work_capacity=reduced_work_capacity,
            assessed_by=_staff(user),
            assessed_at=clock.now(),
        )
        timelog.record(client_id=client.pk, office_id=client.office_id, staff=wca.assessed_by, kind=timelog.Kind.ASSESSMENT,
                       obj=wca, at=wca.assessed_at)
        journal.append(
            client_id=client.pk, kind=Kind.ASSESSMENT, actor=user, obj=wca, visible_to_client=True,
            summary="Arbeidsevnevurdering: " + ("nedsatt arbeidsevne" if reduced_work_capacity else "ikke nedsatt arbeidsevne"),
        )
        a["obj"] = wca
    return wca


def current_decision(client_id: int) -> NeedsDecision | None:
    return (
        NeedsDecision.objects.filter(client_id=client_id, status=NeedsDecision.Status.SENT)
        .order_by("-sent_at", "-id")
        .first()
    )


def _validate_decision(decision: NeedsDecision) -> None:
    current = current_decision(decision.client_id)
    if decision.assessment_id and decision.assessment.client_id != decision.client_id:
        raise InvalidInput(_("Arbeidsevnevurderingen gjelder en annen bruker."), field="assessment")
    errors = rules.problems(
        rules.ProposedDecision(
            need_group=decision.need_group,
            main_goal=decision.main_goal,
            justification=decision.justification or "",
            has_assessment=decision.assessment_id is not None,
            assessment_reduced_capacity=bool(decision.assessment_id and decision.assessment.reduced_work_capacity),
            current_group=current.need_group if current else None,
        )
    )
    if errors:
        raise InvalidInput(_("Vedtaket oppfyller ikke reglene i § 14 a."), errors=errors)


def _validate_draft(client_id: int, fields: dict) -> dict:
    """What a draft must hold to be saved (the one check for starting and for changing a draft;
    the § 14 a rules proper are checked when it is sent): a known need group and main goal, and
    an assessment of this client (given as an instance or an id). Returns the fields with the
    assessment as an instance."""
    errors = rules.draft_problems(need_group=fields.get("need_group"), main_goal=fields.get("main_goal"))
    if fields.get("assessment") is not None:
        try:
            fields = fields | {"assessment": _assessment(fields["assessment"], client_id)}
        except InvalidInput as exc:
            errors |= exc.errors
        else:
            if fields["assessment"].client_id != client_id:
                errors["assessment"] = _("Arbeidsevnevurderingen gjelder en annen bruker.")
    if errors:
        raise InvalidInput(_("Utkastet kan ikke lagres."), errors=errors)
    return fields


def draft_decision(*, user, client: Client | int, need_group: str, main_goal: str, justification: str = "", assessment: WorkCapacityAssessment | int | None = None) -> NeedsDecision:
    """Start a § 14 a draft. Drafts may be incomplete; the rules are checked when it is sent."""
    client = _client(client)
    with audited_write(user, client.pk, "14a-vedtak: utkast") as a:
        access.require_nav(user, client, what="14a-vedtak: utkast")
        assessment = _validate_draft(client.pk, {"need_group": need_group, "main_goal": main_goal, "assessment": assessment})["assessment"]
        if NeedsDecision.objects.filter(client=client, status__in=[NeedsDecision.Status.DRAFT, NeedsDecision.Status.AWAITING_APPROVAL]).exists():
            raise Conflict(_("Brukeren har allerede et utkast til vedtak. Fortsett på det eller forkast det først."), field="need_group")
        try:
            with transaction.atomic():
                d = NeedsDecision.objects.create(
                    client=client, need_group=need_group, main_goal=main_goal, justification=justification.strip(),
                    assessment=assessment, drafted_by=_staff(user), drafted_at=clock.now(),
                )
        except IntegrityError:  # another counsellor started a draft at the same moment
            raise Conflict(_("Brukeren har allerede et utkast til vedtak. Fortsett på det eller forkast det først."),
                           field="need_group")
        timelog.record(client_id=client.pk, office_id=client.office_id, staff=d.drafted_by, kind=timelog.Kind.DECISION,
                       obj=d, at=d.drafted_at)
        journal.append(client_id=client.pk, kind=Kind.DECISION, actor=user, obj=d, visible_to_client=False,
                       summary=f"Utkast til § 14 a-vedtak: {d.get_need_group_display()}")
        a["obj"] = d
    return d


def update_draft(*, user, decision: NeedsDecision | int, expected_version: int, **fields) -> NeedsDecision:
    allowed = {"need_group", "main_goal", "justification", "assessment"}
    decision = _decision(decision)
    with audited_write(user, decision.client_id, "14a-vedtak: endre utkast") as a:
        access.require_nav(user, decision.client, what="14a-vedtak: endre utkast")
        if decision.status != NeedsDecision.Status.DRAFT:
            raise Conflict(_("Bare utkast kan endres. Et sendt vedtak erstattes av et nytt."), field="status")
        unknown = set(fields) - allowed
        if unknown:
            raise InvalidInput(_("Ukjente felt."), errors={f: "kan ikke endres" for f in unknown})
        fields = _validate_draft(decision.client_id, fields)
        values = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
        n = NeedsDecision.objects.filter(pk=decision.pk, version=expected_version, status=NeedsDecision.Status.DRAFT).update(
            **values, version=F("version") + 1
        )
        if n == 0:
            raise Conflict(_("Utkastet er endret av noen andre siden du åpnet det. Last siden på nytt."), field="version")
        decision.refresh_from_db()
        a["obj"] = decision
    return decision


def submit_decision(*, user, decision: NeedsDecision | int, expected_version: int | None = None) -> NeedsDecision:
    """Send the draft, or pass it to a second approver when the need group demands one."""
    decision = _decision(decision)
    with audited_write(user, decision.client_id, "14a-vedtak: send") as a:
        access.require_nav(user, decision.client, what="14a-vedtak: send")
        decision = NeedsDecision.objects.select_for_update(of=("self",)).select_related("assessment", "client").get(pk=decision.pk)
        if expected_version is not None and decision.version != expected_version:
            raise Conflict(_("Utkastet er endret av noen andre siden du åpnet det. Last siden på nytt."), field="version")
        if decision.status != NeedsDecision.Status.DRAFT:
            raise Conflict(_("Vedtaket er ikke et utkast lenger."), field="status")
        _validate_decision(decision)
        if rules.requires_second_approver(decision.need_group):
            decision.status = NeedsDecision.Status.AWAITING_APPROVAL
            decision.version += 1
            decision.save()
            Task.objects.create(
                client=decision.client, owner=None, kind=Task.Kind.APPROVE_DECISION, decision=decision,
                title=gettext_noop("Beslutt § 14 a-vedtak (varig tilpasset innsats)"), deadline=clock.now() + dt.timedelta(days=5),
            )
            journal.append(client_id=decision.client_id, kind=Kind.DECISION, actor=user, obj=decision, visible_to_client=False,
                           summary="§ 14 a-vedtak sendt til beslutter")
        else:
            _send(user, decision)
        a["obj"] = decision
    return decision


def approve_decision(*, user, decision: NeedsDecision | int) -> NeedsDecision:
    """The second approver (beslutter) approves and the decision is sent."""
    decision = _decision(decision)
    with audited_write(user, decision.client_id, "14a-vedtak: beslutt") as a:
        access.require_client(user, decision.client, what="14a-vedtak: beslutt")
        decision = NeedsDecision.objects.select_for_update(of=("self",)).select_related("assessment", "client").get(pk=decision.pk)
        if decision.status != NeedsDecision.Status.AWAITING_APPROVAL:
            raise Conflict(_("Vedtaket venter ikke på beslutter."), field="status")
        if not access.can_approve_decision(user, decision):
            if access.actor(user).staff and decision.drafted_by_id == access.actor(user).staff.pk:
                raise AccessDenied(_("Du kan ikke beslutte et vedtak du selv har skrevet."), field="approver")
            raise AccessDenied(_("Bare en beslutter kan godkjenne dette vedtaket."), field="approver")
        _validate_decision(decision)
        decision.approver = _staff(user)
        decision.approved_at = clock.now()
        Task.objects.filter(decision=decision, status=Task.Status.OPEN).update(status=Task.Status.DONE, done_at=clock.now())
        _send(user, decision)
        a["obj"] = decision
    return decision


def return_decision(*, user, decision: NeedsDecision | int, reason: str) -> NeedsDecision:
    """The second approver sends the decision back to the drafter with a reason."""
    decision = _decision(decision)
    with audited_write(user, decision.client_id, "14a-vedtak: returner") as a:
        access.require_client(user, decision.client, what="14a-vedtak: returner")
        decision = NeedsDecision.objects.select_for_update(of=("self",)).select_related("client").get(pk=decision.pk)
        if decision.status != NeedsDecision.Status.AWAITING_APPROVAL:
            raise Conflict(_("Vedtaket venter ikke på beslutter."), field="status")
        if not access.can_approve_decision(user, decision):
            raise AccessDenied(_("Bare en annen beslutter enn den som skrev vedtaket kan returnere det."), field="approver")
        if not reason.strip():
            raise InvalidInput(_("Skriv hvorfor vedtaket returneres."), field="reason")
        decision.status = NeedsDecision.Status.DRAFT
        decision.version += 1
        decision.return_reason = reason.strip()
        decision.returned_at = clock.now()
        decision.returned_by = _staff(user)
        decision.save()
        Task.objects.filter(decision=decision, status=Task.Status.OPEN).update(status=Task.Status.CANCELLED, done_at=clock.now())
        # the drafter's task carries the reason (the task's note holds 500 characters; the draft holds it all)
        note = decision.return_reason if len(decision.return_reason) <= 500 else decision.return_reason[:499] + "…"
        Task.objects.create(client=decision.client, owner=decision.drafted_by, kind=Task.Kind.OTHER, decision=decision,
                            title=gettext_noop("Vedtak returnert fra beslutter"), deadline=clock.now() + dt.timedelta(days=3), note=note)
        journal.append(client_id=decision.client_id, kind=Kind.DECISION, actor=user, obj=decision, visible_to_client=False,
                       summary=f"§ 14 a-vedtak returnert fra beslutter: {reason.strip()[:200]}")
        a["obj"] = decision
    return decision


def discard_draft(*, user, decision: NeedsDecision | int) -> NeedsDecision:
    decision = _decision(decision)
    with audited_write(user, decision.client_id, "14a-vedtak: forkast") as a:
        access.require_nav(user, decision.client, what="14a-vedtak: forkast")
        decision = NeedsDecision.objects.select_for_update(of=("self",)).select_related("client").get(pk=decision.pk)
        if decision.status not in (NeedsDecision.Status.DRAFT, NeedsDecision.Status.AWAITING_APPROVAL):
            raise Conflict(_("Et sendt vedtak kan ikke forkastes. Fatt et nytt vedtak."), field="status")
        decision.status = NeedsDecision.Status.DISCARDED
        decision.save()
        Task.objects.filter(decision=decision, status=Task.Status.OPEN).update(status=Task.Status.CANCELLED, done_at=clock.now())
        journal.append(client_id=decision.client_id, kind=Kind.DECISION, actor=user, obj=decision, visible_to_client=False,
                       summary="Utkast til § 14 a-vedtak forkastet")
        a["obj"] = decision
    return decision


def _send(user, decision: NeedsDecision) -> None:
    now = clock.now()
    previous = current_decision(decision.client_id)
    decision.status = NeedsDecision.Status.SENT
    decision.sent_at = now
    decision.replaces = previous
    decision.version += 1
    decision.save()
    client_updates = {"need_group": decision.need_group, "main_goal": decision.main_goal}
    if decision.assessment_id:
        client_updates["reduced_work_capacity"] = decision.assessment.reduced_work_capacity
    Client.objects.filter(pk=decision.client_id).update(**client_updates)
    notify(client_id=decision.client_id, kind="decision", at=now)
    journal.append(client_id=decision.client_id, kind=Kind.DECISION, actor=user, obj=decision, visible_to_client=True,
                   summary=f"§ 14 a-vedtak sendt: {decision.get_need_group_display()}, {decision.get_main_goal_display()}")


# --- activity plan -------------------------------------------------------------------------------

def open_plan(client: Client) -> ActivityPlan:
    plan = ActivityPlan.objects.filter(client=client, closed_at__isnull=True).order_by("-created_at").first()
    return plan or ActivityPlan.objects.create(client=client)


def _validate_activity(values: dict) -> None:
    errors = {}
    if not (values.get("title") or "").strip():
        errors["title"] = _("Aktiviteten må ha en tittel.")
    if values.get("type") not in Activity.Type.values:
        errors["type"] = _("Velg en gyldig aktivitetstype.")
    if values.get("status") not in Activity.Status.values:
        errors["status"] = _("Velg en gyldig status.")
    s, e = values.get("start_date"), values.get("end_date")
    if s and e and e < s:
        errors["end_date"] = _("Til-dato kan ikke være før fra-dato.")
    if values.get("is_requirement"):
        if not (values.get("legal_basis") or "").strip():
            errors["legal_basis"] = _("Et aktivitetskrav må ha hjemmel (for eksempel folketrygdloven § 11-7).")
        if not (values.get("consequence") or "").strip():
            errors["consequence"] = _("Skriv med enkle ord hva som skjer hvis kravet ikke oppfylles.")
    if errors:
        raise InvalidInput(_("Aktiviteten kan ikke lagres."), errors=errors)


def measure_type_id(code: str | None, *, activity_type: str) -> int | None:
    """The measure type (tiltakstype) with this code, for an activity of ``activity_type``: none for
    an empty code; a code on an activity that is not a measure, or an unknown code, is refused."""
    code = (code or "").strip().upper()
    if not code:
        return None
    if activity_type != Activity.Type.MEASURE:
        raise InvalidInput(_("Bare et tiltak kan ha tiltakstype."), field="measure_type")
    # the type's table is the measures app's: read through the relation, not by importing it
    types = Activity._meta.get_field("measure_type").related_model.objects
    pk = types.filter(code=code).values_list("pk", flat=True).first()
    if pk is None:
        raise InvalidInput(_("Ukjent tiltakstype."), field="measure_type")
    return pk


def add_activity(*, user, client: Client | int, title: str, type: str, description: str = "", status: str | None = None,
                 start_date: dt.date | None = None, end_date: dt.date | None = None, is_requirement: bool = False,
                 legal_basis: str = "", consequence: str = "", measure_type: str | None = None) -> Activity:
    """Add an activity. A counsellor's activity is a proposal until the client approves it; the
    client's own activities are planned at once. Only Nav can set an activity requirement. A
    measure may name its measure type (``measure_type``: the type's code)."""
    client = _client(client)
    with audited_write(user, client.pk, "aktivitet: ny") as a:
        by_client = access.require_client_or_nav(user, client, what="aktivitet: ny")
        if by_client and is_requirement:
            raise AccessDenied(_("Bare Nav kan sette aktivitetskrav."), field="is_requirement")
        status = status or (Activity.Status.PLANNED if by_client else Activity.Status.PROPOSED)
        values = dict(title=title.strip(), description=description.strip(), type=type, status=status, start_date=start_date,
                      end_date=end_date, is_requirement=is_requirement, legal_basis=legal_basis.strip(), consequence=consequence.strip())
        _validate_activity(values)
        values["measure_type_id"] = measure_type_id(measure_type, activity_type=type)
        now = clock.now()
        act = Activity.objects.create(
            plan=open_plan(client), client=client, created_by=user, created_at=now, updated_at=now,
            created_by_role=Activity.CreatedBy.CLIENT if by_client else Activity.CreatedBy.COUNSELLOR,
            client_approved_at=now if by_client else None, **values,
        )
        what = "Aktivitetskrav" if is_requirement else "Aktivitet"
        who = "bruker" if by_client else "veileder"
        if not by_client:  # a proposal (or a requirement) waits for the client on Min side
            notify(client_id=client.pk, kind="requirement" if is_requirement else "activity", at=now)
        journal.append(client_id=client.pk, kind=Kind.ACTIVITY, actor=user, obj=act,
                       summary=f"{what} lagt til av {who}: {act.title}")
        a["obj"] = act
    return act


_REAPPROVE_FIELDS = {"title", "description", "start_date", "end_date", "is_requirement", "legal_basis", "consequence"}


def update_activity(*, user, activity: Activity | int, expected_version: int, **changes) -> Activity:
    """Change an activity with optimistic locking: a stale ``expected_version`` is a Conflict and
    nothing is written. A changed requirement needs the client's approval again."""
    allowed = {"title", "description", "type", "status", "start_date", "end_date", "is_requirement", "legal_basis", "consequence",
               "measure_type"}
    activity = _activity(activity)
    with audited_write(user, activity.client_id, "aktivitet: endre") as a:
        client = activity.client
        by_client = access.require_client_or_nav(user, client, what="aktivitet: endre")
        _require_visible(user, Activity, activity.pk, client, at="created_at", message="Fant ikke aktiviteten.")
        unknown = set(changes) - allowed
        if unknown:
            raise InvalidInput(_("Ukjente felt."), errors={f: "kan ikke endres" for f in sorted(unknown)})
        current = Activity.objects.get(pk=activity.pk)
        if current.version != expected_version:
            raise Conflict(
                _("Aktiviteten er endret av noen andre siden du åpnet den. Dine endringer er ikke lagret; last inn på nytt."),
                field="version",
            )
        if by_client:
            if current.is_requirement or current.created_by_role != Activity.CreatedBy.CLIENT:
                if set(changes) - {"status"}:
                    raise AccessDenied(_("Du kan bare endre status på aktiviteter Nav har lagt inn."), field="status")
            if changes.get("is_requirement"):
                raise AccessDenied(_("Bare Nav kan sette aktivitetskrav."), field="is_requirement")
        values = {f: getattr(current, f) for f in allowed - {"measure_type"}}
        for k, v in changes.items():
            if k != "measure_type":
                values[k] = v.strip() if isinstance(v, str) else v
        _validate_activity(values)
        changed = {k for k in changes if k != "measure_type" and values[k] != getattr(current, k)}
        # the measure type: kept while the activity stays a measure, unless changed; gone when it is not one
        if "measure_type" in changes:
            values["measure_type_id"] = measure_type_id(changes["measure_type"], activity_type=values["type"])
        else:
            values["measure_type_id"] = current.measure_type_id if values["type"] == Activity.Type.MEASURE else None
        if values["measure_type_id"] != current.measure_type_id:
            changed.add("measure_type_id")
        if not changed:
            a["obj"] = current
            return current
        update = {k: values[k] for k in changed}
        if not by_client and values["is_requirement"] and changed & _REAPPROVE_FIELDS:
            update["client_approved_at"] = None
        n = Activity.objects.filter(pk=current.pk, version=expected_version).update(
            **update, updated_at=clock.now(), version=F("version") + 1
        )
        if n == 0:
            raise Conflict(_("Aktiviteten er endret av noen andre samtidig. Last inn på nytt."), field="version")
        current.refresh_from_db()
        if "client_approved_at" in update:  # a changed requirement waits for the client's approval again
            notify(client_id=client.pk, kind="requirement")
        desc = ", ".join(sorted("tiltakstype" if k == "measure_type_id" else k for k in changed))
        if changed == {"status"}:
            summary = f"Status endret til «{current.get_status_display()}»: {current.title}"
        else:
            summary = f"Aktivitet endret ({desc}): {current.title}"
        journal.append(client_id=client.pk, kind=Kind.ACTIVITY, actor=user, obj=current, summary=summary)
        a["obj"] = current
    return current


def approve_activity(*, user, activity: Activity | int, expected_version: int) -> Activity:
    """The client approves an activity Nav proposed (for a requirement: accepts it knowingly)."""
    activity = _activity(activity)
    with audited_write(user, activity.client_id, "aktivitet: godta") as a:
        access.require_client_self(user, activity.client, what="aktivitet: godta")
        now = clock.now()
        update = {"client_approved_at": now, "updated_at": now, "version": F("version") + 1}
        current = Activity.objects.get(pk=activity.pk)
        if current.client_approved_at is not None:
            raise Conflict(_("Aktiviteten er allerede godtatt."), field="client_approved_at")
        if current.status == Activity.Status.PROPOSED:
            update["status"] = Activity.Status.PLANNED
        n = Activity.objects.filter(pk=activity.pk, version=expected_version).update(**update)
        if n == 0:
            raise Conflict(_("Aktiviteten er endret siden du åpnet den. Se over den nye versjonen før du godtar."), field="version")
        current.refresh_from_db()
        what = "aktivitetskravet" if current.is_requirement else "aktiviteten"
        journal.append(client_id=current.client_id, kind=Kind.ACTIVITY, actor=user, obj=current,
                       summary=f"Bruker godtok {what}: {current.title}")
        a["obj"] = current
    return current


def disagree_with_activity(*, user, activity: Activity | int, body: str) -> Thread:
    """"Jeg er ikke enig / jeg har spørsmål": the client's message about an activity Nav proposed
    (or a requirement), in a thread tied to the activity. It marks the activity for the counsellor
    (shown on the plan until the client approves after it) and, like every message from the
    client, gives the counsellor a task to answer it within 48 hours."""
    activity = _activity(activity)
    with audited_write(user, activity.client_id, "aktivitet: uenig") as a:
        access.require_client_self(user, activity.client, what="aktivitet: uenig")
        if not activity.is_open:
            raise InvalidInput(_("Aktiviteten er avsluttet. Skriv en vanlig melding til veilederen din."), field="body")
        body = (body or "").strip()
        if not body:
            raise InvalidInput(_("Skriv hva du er uenig i eller lurer på."), field="body")
        if len(body) > 5000:
            raise InvalidInput(_("Meldingen kan være høyst 5000 tegn."), field="body")
        now = clock.now()
        thread = Thread.objects.filter(client_id=activity.client_id, activity=activity).order_by("-last_message_at").first()
        if thread is None:
            thread = Thread.objects.create(client_id=activity.client_id, activity=activity, created_at=now,
                                           subject=f"Uenig eller spørsmål: {activity.title}"[:200])
        thread.client = activity.client
        msg = _post(user, thread, body, from_client=True)
        Task.objects.filter(message__thread=thread, kind=Task.Kind.ANSWER_MESSAGE, status=Task.Status.OPEN).update(
            title=stored_text.compose(DISAGREEMENT_TASK, 200, activity=activity.title), message=msg)
        Activity.objects.filter(pk=activity.pk).update(client_disagreed_at=now)
        what = "aktivitetskravet" if activity.is_requirement else "aktiviteten"
        journal.append(client_id=activity.client_id, kind=Kind.ACTIVITY, actor=user, obj=activity, at=now,
                       summary=f"Bruker er ikke enig eller har spørsmål om {what}: {activity.title}")
        a["obj"] = thread
    return thread


# --- dialogue ------------------------------------------------------------------------------------

def start_thread(*, user, client: Client | int, subject: str, body: str, activity: Activity | None = None) -> Thread:
    client = _client(client)
    with audited_write(user, client.pk, "dialog: ny tråd") as a:
        by_client = access.require_client_or_nav(user, client, what="dialog: ny tråd")
        if not subject.strip():
            raise InvalidInput(_("Skriv et emne."), field="subject")
        if not body.strip():
            raise InvalidInput(_("Meldingen kan ikke være tom."), field="body")
        if activity is not None and activity.client_id != client.pk:
            raise InvalidInput(_("Aktiviteten hører til en annen bruker."), field="activity")
        thread = Thread.objects.create(client=client, subject=subject.strip()[:200], activity=activity, created_at=clock.now())
        msg = _post(user, thread, body, from_client=by_client)
        if not by_client:
            timelog.record(client_id=client.pk, office_id=client.office_id, staff=_staff(user), kind=timelog.Kind.MESSAGE,
                           obj=msg, at=msg.sent_at)
        a["obj"] = thread
    return thread


def send_message(*, user, thread: Thread | int, body: str, minutes: int | None = None) -> Message:
    thread = _thread(thread)
    with audited_write(user, thread.client_id, "dialog: melding") as a:
        client = thread.client
        by_client = access.require_client_or_nav(user, client, what="dialog: melding")
        _require_visible(user, Thread, thread.pk, client, at="created_at", message="Fant ikke samtalen.")
        if not body.strip():
            raise InvalidInput(_("Meldingen kan ikke være tom."), field="body")
        msg = _post(user, thread, body, from_client=by_client)
        if not by_client:
            timelog.record(client_id=client.pk, office_id=client.office_id, staff=_staff(user), kind=timelog.Kind.MESSAGE,
                           minutes=minutes, obj=msg, at=msg.sent_at)
        a["obj"] = msg
    return msg


def _answers_the_municipality(user, thread: Thread) -> bool:
    """A municipal employee's reply to a client's message routed to the municipal services is the
    municipality's record too (sosialtjenesteloven § 44; decision 0044): the reply answers the
    newest message the client wrote in the thread. A state employee's reply is the joint follow-up's
    (state staff do no social-services work), as is any reply to a message not routed there."""
    from skreddersy.core.records import RecordSide

    if access.actor(user).employer != RecordSide.MUNICIPAL:
        return False
    newest = (Message.objects.filter(thread=thread, from_client=True).order_by("-sent_at", "-id")
              .values_list("route", flat=True).first())
    return newest == Message.Route.MUNICIPAL


def _post(user, thread: Thread, body: str, *, from_client: bool) -> Message:
    now = clock.now()
    msg = Message(thread=thread, sender=user, from_client=from_client, body=body.strip(), sent_at=now)
    if from_client:
        msg.suggested_route = triage.suggest_route(msg.body)
        msg.read_by_client_at = now
    else:
        msg.read_by_nav_at = now
    kvp = _running_kvp(thread.client_id)
    if kvp is not None:  # during a KVP the dialogue is the municipality's (seen by its followers only)
        msg.route = Message.Route.MUNICIPAL
    elif not from_client and _answers_the_municipality(user, thread):
        msg.route = Message.Route.MUNICIPAL
    msg.category = Message.category_for(msg.route)
    msg.save()
    Thread.objects.filter(pk=thread.pk).update(last_message_at=now, awaiting_nav_reply=from_client)
    thread.awaiting_nav_reply = from_client
    if from_client:
        client = thread.client
        if not Task.objects.filter(client_id=thread.client_id, kind=Task.Kind.ANSWER_MESSAGE, status=Task.Status.OPEN,
                                   message__thread=thread).exists():
            owner_id = client.counsellor_id
            if kvp is not None:  # the answer is the KVP's: its follower (the counsellor if they follow it)
                followers = sorted(f.pk for f in kvp.followers.all())
                owner_id = owner_id if owner_id in followers else (followers[0] if followers else None)
            Task.objects.create(
                client_id=thread.client_id, owner_id=owner_id, kind=Task.Kind.ANSWER_MESSAGE, message=msg,
                title=gettext_noop("Svar på melding innen 48 timer"), deadline=now + ANSWER_WITHIN, created_at=now,
            )
        journal.append(client_id=thread.client_id, kind=Kind.MESSAGE, actor=user, obj=msg, category=msg.category,
                       summary=f"Melding fra bruker: {thread.subject}")
    else:
        _close_answer_tasks(thread, now)
        touch_contact(thread.client_id, now, msg.category)
        notify(client_id=thread.client_id, kind="message", at=now)
        journal.append(client_id=thread.client_id, kind=Kind.MESSAGE, actor=user, obj=msg, category=msg.category,
                       summary=f"Melding fra Nav: {thread.subject}")
    return msg


def _close_answer_tasks(thread: Thread, now) -> None:
    Task.objects.filter(client_id=thread.client_id, kind=Task.Kind.ANSWER_MESSAGE, status=Task.Status.OPEN,
                        message__thread=thread).update(status=Task.Status.DONE, done_at=now)


def mark_no_reply_needed(*, user, thread: Thread | int) -> Thread:
    """The client's last message needs no answer (a plain "takk"): clear "awaiting reply"."""
    thread = _thread(thread)
    with audited_write(user, thread.client_id, "dialog: trenger ikke svar") as a:
        access.require_nav(user, thread.client, what="dialog: trenger ikke svar")
        now = clock.now()
        Thread.objects.filter(pk=thread.pk).update(awaiting_nav_reply=False)
        thread.awaiting_nav_reply = False
        Message.objects.filter(thread=thread, from_client=True, read_by_nav_at__isnull=True).update(read_by_nav_at=now)
        _close_answer_tasks(thread, now)
        journal.append(client_id=thread.client_id, kind=Kind.MESSAGE, actor=user, obj=thread, visible_to_client=False,
                       summary=f"Markert som ikke behov for svar: {thread.subject}")
        a["obj"] = thread
    return thread


def mark_thread_read(*, user, thread: Thread | int) -> int:
    """Read receipts: mark the other party's messages in the thread as read."""
    thread = _thread(thread)
    with audited_write(user, thread.client_id, "dialog: lest") as a:
        by_client = access.require_client_or_nav(user, thread.client, what="dialog: lest")
        now = clock.now()
        if by_client:
            n = Message.objects.filter(thread=thread, from_client=False, read_by_client_at__isnull=True).update(read_by_client_at=now)
        else:
            n = Message.objects.filter(thread=thread, from_client=True, read_by_nav_at__isnull=True).update(read_by_nav_at=now)
        a["obj"] = thread
    return n


def set_message_route(*, user, message: Message | int, route: str) -> Message:
    """Accept or change the suggested route of a client's message."""
    message = _message(message)
    with audited_write(user, message.thread.client_id, "dialog: ruting") as a:
        access.require_nav(user, message.thread.client, what="dialog: ruting")
        _require_visible(user, Message, message.pk, message.thread.client, at="sent_at", message="Fant ikke meldingen.",
                         sides=True)
        if route not in Message.Route.values:
            raise InvalidInput(_("Velg en gyldig ruting."), field="route")
        if not message.from_client:
            raise InvalidInput(_("Bare meldinger fra bruker rutes."), field="route")
        message.route = route
        message.category = Message.category_for(route)
        message.save(update_fields=["route", "category"])
        # the message's journal lines are held by the side that holds the message (decision 0044)
        JournalEntry.objects.filter(client_id=message.thread.client_id, object_type="Message",
                                    object_id=message.pk).update(category=message.category)
        journal.append(client_id=message.thread.client_id, kind=Kind.MESSAGE, actor=user, obj=message, visible_to_client=False,
                       category=message.category, summary=f"Melding rutet til: {message.get_route_display()}")
        a["obj"] = message
    return message


# --- meeting notes and tasks ---------------------------------------------------------------------

def log_contact(*, user, client: Client | int, channel: str, summary: str, held_at: dt.datetime | None = None,
                shared_with_client: bool = True, minutes: int | None = None,
                documentation_minutes: int | None = None, category: str | None = None) -> MeetingNote:
    """Samtalereferat for a meeting, phone call, SMS or video contact, with the minutes it took
    (None: the channel's default, timeuse.models.DEFAULTS), filed on one side of the office
    (``category``: a state or a municipal note; by default the writer's employer's side,
    ``access.writable_note_categories``)."""
    client = _client(client)
    with audited_write(user, client.pk, "samtalereferat") as a:
        access.require_nav(user, client, what="samtalereferat")
        errors = {}
        if channel not in MeetingNote.Channel.values:
            errors["channel"] = _("Velg kanal: møte, telefon, SMS eller video.")
        if not summary.strip():
            errors["summary"] = _("Referatet kan ikke være tomt.")
        writable = access.writable_note_categories(user)
        category = category or (writable[0] if writable else "")
        if category not in writable:
            errors["category"] = (_("Du kan ikke journalføre i kommunens journal.") if category == "municipal_notes"
                                  else _("Velg hvem som skal holde referatet: statlig eller kommunal journal."))
        held_at = held_at or clock.now()
        if timezone.is_naive(held_at):  # e.g. JSON without an offset: read it as Norwegian local time
            held_at = timezone.make_aware(held_at)
        if held_at > clock.now() + dt.timedelta(minutes=5):
            errors["held_at"] = _("Et referat kan ikke gjelde en samtale fram i tid.")
        errors.update(timelog.check(minutes, documentation_minutes))
        if errors:
            raise InvalidInput(_("Referatet kan ikke lagres."), errors=errors)
        note = MeetingNote.objects.create(client=client, channel=channel, held_at=held_at, summary=summary.strip(),
                                          shared_with_client=shared_with_client, category=category,
                                          written_by=_staff(user), created_at=clock.now())
        touch_contact(client.pk, held_at, category)
        timelog.record(client_id=client.pk, office_id=client.office_id, staff=note.written_by, kind=channel, minutes=minutes,
                       documentation_minutes=documentation_minutes, obj=note, at=held_at)
        label = "Samtalereferat" if shared_with_client else "Internt notat"
        journal.append(client_id=client.pk, kind=Kind.NOTE, actor=user, obj=note, at=held_at, visible_to_client=shared_with_client,
                       summary=f"{label} ({note.get_channel_display().lower()})", category=category)
        a["obj"] = note
    return note


def create_task(*, user, client: Client | int, title: str, deadline: dt.datetime, owner=None, kind: str = Task.Kind.OTHER) -> Task:
    client = _client(client)
    with audited_write(user, client.pk, "oppgave: ny") as a:
        access.require_nav(user, client, what="oppgave: ny")
        errors = {}
        if not title.strip():
            errors["title"] = _("Oppgaven må ha en tittel.")
        if deadline is None:
            errors["deadline"] = _("Oppgaven må ha en frist.")
        if kind not in Task.Kind.values:
            errors["kind"] = _("Ugyldig oppgavetype.")
        if errors:
            raise InvalidInput(_("Oppgaven kan ikke lagres."), errors=errors)
        task = Task.objects.create(client=client, owner=owner or _staff(user), title=title.strip(), deadline=deadline, kind=kind,
                                   created_at=clock.now())
        journal.append(client_id=client.pk, kind=Kind.TASK, actor=user, obj=task, visible_to_client=False,
                       summary=f"Oppgave opprettet: {task.title}")
        a["obj"] = task
    return task


def complete_task(*, user, task: Task | int) -> Task:
    task = _task(task)
    with audited_write(user, task.client_id, "oppgave: utført") as a:
        access.require_nav(user, task.client, what="oppgave: utført")
        _require_task_seen(user, task)
        if task.status != Task.Status.OPEN:
            raise Conflict(_("Oppgaven er ikke åpen."), field="status")
        now = clock.now()
        n = Task.objects.filter(pk=task.pk, status=Task.Status.OPEN).update(status=Task.Status.DONE, done_at=now)
        if n == 0:
            raise Conflict(_("Oppgaven er allerede lukket."), field="status")
        task.refresh_from_db()
        journal.append(client_id=task.client_id, kind=Kind.TASK, actor=user, obj=task, visible_to_client=False,
                       summary=f"Oppgave utført: {task.title}")
        a["obj"] = task
    return task


def reopen_task(*, user, task: Task | int) -> Task:
    """Undo "done": the task is open again (the page offers this for tasks closed in the same
    session)."""
    task = _task(task)
    with audited_write(user, task.client_id, "oppgave: gjenåpnet") as a:
        access.require_nav(user, task.client, what="oppgave: gjenåpnet")
        _require_task_seen(user, task)
        n = Task.objects.filter(pk=task.pk, status=Task.Status.DONE).update(status=Task.Status.OPEN, done_at=None)
        if n == 0:
            raise Conflict(_("Oppgaven er ikke markert som utført."), field="status")
        task.refresh_from_db()
        journal.append(client_id=task.client_id, kind=Kind.TASK, actor=user, obj=task, visible_to_client=False,
                       summary=f"Oppgave åpnet igjen: {task.title}")
        a["obj"] = task
    return task


def reassign_task(*, user, task: Task | int, to: int, note: str = "") -> Task:
    """Hand an open task to a colleague at the client's office, with a note. A colleague at another
    office is refused (InvalidInput on ``to``) and nothing is written."""
    task = _task(task)
    with audited_write(user, task.client_id, "oppgave: overført") as a:
        access.require_nav(user, task.client, what="oppgave: overført")
        _require_task_seen(user, task)
        if task.status != Task.Status.OPEN:
            raise Conflict(_("Bare åpne oppgaver kan overføres."), field="status")
        note = (note or "").strip()
        if len(note) > 500:
            raise InvalidInput(_("Merknaden kan være høyst 500 tegn."), field="note")
        membership = (OfficeMembership.objects.select_related("staff").filter(staff_id=to, office_id=task.client.office_id).first()
                      if isinstance(to, int) else None)
        if membership is None:
            raise InvalidInput(_("Oppgaven kan bare overføres til en kollega ved brukerens oppfølgingskontor."), field="to")
        n = Task.objects.filter(pk=task.pk, status=Task.Status.OPEN).update(owner_id=to, note=note)
        if n == 0:
            raise Conflict(_("Oppgaven er allerede lukket."), field="status")
        task.refresh_from_db()
        journal.append(client_id=task.client_id, kind=Kind.TASK, actor=user, obj=task, visible_to_client=False,
                       summary=f"Oppgave overført til {membership.staff.display_name}: {task.title}")
        a["obj"] = task
    return task


# --- the counsellor's own notes, categories and overview settings --------------------------------------

def set_reminder(*, user, client: Client | int, note: str, deadline: dt.date | None = None) -> Reminder:
    """Huskelapp: the acting counsellor's own note on a client (one per client; saving again
    replaces it). A deadline in the past is refused."""
    client = _client(client)
    with audited_write(user, client.pk, "huskelapp") as a:
        access.require_nav(user, client, what="huskelapp")
        staff = _staff(user)
        errors = {}
        note = (note or "").strip()
        if not note:
            errors["note"] = _("Skriv hva du vil huske.")
        elif len(note) > 500:
            errors["note"] = _("Huskelappen kan være høyst 500 tegn.")
        if deadline is not None and deadline < clock.today():
            errors["deadline"] = _("Fristen kan ikke være tilbake i tid.")
        if errors:
            raise InvalidInput(_("Huskelappen kan ikke lagres."), errors=errors)
        reminder, _created = Reminder.objects.update_or_create(
            owner=staff, client=client, defaults={"note": note, "deadline": deadline, "updated_at": clock.now()})
        a["obj"] = reminder
    return reminder


def clear_reminder(*, user, client: Client | int) -> int:
    client = _client(client)
    with audited_write(user, client.pk, "huskelapp: fjernet"):
        access.require_nav(user, client, what="huskelapp: fjernet")
        n, _by_model = Reminder.objects.filter(owner=_staff(user), client=client).delete()
    return n


MAX_BULK = 500


def set_category(*, user, clients: list[int], colour: str) -> int:
    """Set (or with an empty colour, remove) the acting counsellor's colour category on many clients
    at once. All or nothing: a client the user may not see refuses the whole action (each such
    client's refusal audited), an unknown colour too. Returns the number of clients changed."""
    ids = sorted({int(i) for i in clients}) if isinstance(clients, list | tuple | set) else []
    if not ids:
        raise InvalidInput(_("Velg minst én bruker."), field="clients")
    if len(ids) > MAX_BULK:
        raise InvalidInput(_("Velg høyst %(most)d brukere om gangen.") % {"most": MAX_BULK}, field="clients")
    a = access.actor(user)
    visible = set(Client.objects.filter(access.client_filter(user), pk__in=ids).values_list("pk", flat=True))
    refused = ids if not a.does_followup or a.staff is None else [i for i in ids if i not in visible]
    if refused:
        for i in refused:
            audit.record(user, i, audit.DENIED, "kategori", why="ingen tilgang")
        raise AccessDenied(_("Du har ikke tilgang til alle de valgte brukerne."))
    if colour and colour not in Category.values:
        for i in ids:
            audit.record(user, i, audit.WRITE, "kategori", why="avvist: invalid (colour)")
        raise InvalidInput(_("Ukjent kategori."), field="colour")
    with transaction.atomic():
        ClientCategory.objects.filter(owner=a.staff, client_id__in=ids).delete()
        if colour:
            now = clock.now()
            ClientCategory.objects.bulk_create(
                [ClientCategory(owner=a.staff, client_id=i, colour=colour, updated_at=now) for i in ids])
        for i in ids:
            audit.record(user, i, audit.WRITE, "kategori")
    return len(ids)


def save_filter(*, user, name: str, params: dict) -> SavedFilter:
    """Save the acting user's overview filter under a name (saving a name again replaces it).
    Unknown fields or bad values: InvalidInput naming them, and nothing is saved."""
    staff = _staff(user)
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Gi filteret et navn."), field="name")
    if len(name) > 80:
        raise InvalidInput(_("Navnet kan være høyst 80 tegn."), field="name")
    clean = overview.clean_filter_params(params)
    with transaction.atomic():
        saved, _created = SavedFilter.objects.update_or_create(owner=staff, name=name, defaults={"params": clean})
    return saved


def delete_saved_filter(*, user, saved_filter: int) -> None:
    staff = _staff(user)
    n, _by_model = SavedFilter.objects.filter(owner=staff, pk=saved_filter).delete()
    if n == 0:
        raise NotFound("Fant ikke det lagrede filteret.")


def set_columns(*, user, columns: list[str]) -> list[str]:
    """The overview columns the acting user wants, in the overview's own order."""
    staff = _staff(user)
    columns = list(columns or [])
    unknown = [c for c in columns if c not in overview.COLUMNS]
    if unknown:
        raise InvalidInput(_("Ukjente kolonner: %(columns)s.") % {"columns": ", ".join(map(str, unknown))}, field="columns")
    chosen = [c for c in overview.COLUMNS if c in columns]
    if not chosen:
        raise InvalidInput(_("Velg minst én kolonne."), field="columns")
    OverviewSettings.objects.update_or_create(owner=staff, defaults={"columns": chosen})
    return chosen


# --- the client's language (issue 19) -----------------------------------------------------------

_NEED_WORDS = {LanguageNeed.Need.INTERPRETER: "tolk", LanguageNeed.Need.TRANSLATION: "oversatt versjon"}
_SUBJECT_KIND = {LanguageNeed.Subject.DECISION: journal.Kind.DECISION,
                 LanguageNeed.Subject.REQUIREMENT: journal.Kind.ACTIVITY,
                 LanguageNeed.Subject.ACTIVITY: journal.Kind.ACTIVITY,
                 LanguageNeed.Subject.MESSAGE: journal.Kind.MESSAGE}


def mark_language_need(*, user, client: Client | int, subject: str, need: str, object_id: int | None = None,
                       text_standard: str = "nb") -> LanguageNeed:
    """Mark that a text the counsellor wrote for the client (``subject``: decision, requirement or
    message) needs an interpreter or a translated version. Nav staff only; journalled (Nav-only
    line) and audited; shown on the person page until marked done."""
    client = _client(client)
    with audited_write(user, client.pk, "språk: behov for tolk eller oversettelse") as a:
        access.require_nav(user, client, what="språk: behov for tolk eller oversettelse")
        if subject not in LanguageNeed.Subject.values:
            raise InvalidInput(_("Ukjent teksttype."), field="subject")
        if need not in LanguageNeed.Need.values:
            raise InvalidInput(_("Velg tolk eller oversatt versjon."), field="language_need")
        mark = LanguageNeed.objects.create(
            client=client, subject=subject, object_id=object_id, need=need,
            text_standard="nn" if text_standard == "nn" else "nb", client_language=(client.language or "")[:8],
            client_standard=client.written_standard, created_by=_staff(user), created_at=clock.now(),
        )
        journal.append(client_id=client.pk, kind=_SUBJECT_KIND[subject], actor=user, obj=mark, visible_to_client=False,
                       summary=f"Behov for {_NEED_WORDS[need]}: {LanguageNeed.Subject(subject).label.lower()} "
                               f"til bruker med språk {client.language or 'nb'}, målform {client.written_standard}")
        a["obj"] = mark
    return mark


def language_need_done(*, user, mark: LanguageNeed | int) -> LanguageNeed:
    """The interpreter is booked or the translated version sent: the mark leaves the person page."""
    mark = mark if isinstance(mark, LanguageNeed) else LanguageNeed.objects.select_related("client").filter(pk=mark).first()
    if mark is None:
        raise NotFound("Fant ikke merket.")
    with audited_write(user, mark.client_id, "språk: fulgt opp") as a:
        access.require_nav(user, mark.client, what="språk: fulgt opp")
        if mark.done_at is None:
            mark.done_at = clock.now()
            mark.save(update_fields=["done_at"])
            journal.append(client_id=mark.client_id, kind=_SUBJECT_KIND[mark.subject], actor=user, obj=mark,
                           visible_to_client=False, summary=f"Fulgt opp: {_NEED_WORDS[mark.need]}")
        a["obj"] = mark
    return mark
