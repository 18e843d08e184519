"""Assigning clients to a counsellor (issue 13, "3 of 9"). A minimal version on the workload
branch so the caseload planner can commit through it; the caseloads branch's version replaces it."""

from __future__ import annotations

from django.db import transaction

from skreddersy import journal
from skreddersy.clients.models import Client
from skreddersy.core import audit
from skreddersy.core.errors import AccessDenied, InvalidInput
from skreddersy.core.models import OfficeMembership, StaffMember
from skreddersy.policy import access


def assign_clients(*, user, client_ids: list[int], counsellor, reason: str = "") -> int:
    """Give every client in ``client_ids`` to ``counsellor`` (a StaffMember or its id), all or
    nothing: the clients and the counsellor must share one office, and the acting leader must see
    every client. Journaled and audited per client. Returns the number of clients changed."""
    ids = sorted({int(i) for i in client_ids})
    if not ids:
        raise InvalidInput("Velg minst én bruker.", field="client_ids")
    staff = counsellor if isinstance(counsellor, StaffMember) else StaffMember.objects.filter(pk=counsellor).first()
    if staff is None:
        raise InvalidInput("Fant ikke veilederen.", field="counsellor")
    with transaction.atomic():
        clients = list(Client.objects.select_for_update().filter(pk__in=ids))
        if len(clients) != len(ids):
            raise InvalidInput("Noen av brukerne finnes ikke.", field="client_ids")
        offices = {c.office_id for c in clients}
        if len(offices) != 1:
            raise InvalidInput("Brukerne følges opp ved ulike kontorer.", field="client_ids")
        office_id = offices.pop()
        if not access.can_view_office(user, office_id):
            audit.record(user, None, audit.DENIED, "veileder: tildeling", why="ikke leder ved kontoret")
            raise AccessDenied("Bare ledere ved kontoret kan fordele brukere.")
        if not OfficeMembership.objects.filter(staff=staff, office_id=office_id).exists():
            raise InvalidInput("Veilederen arbeider ikke ved brukerens kontor.", field="counsellor")
        changed = [c for c in clients if c.counsellor_id != staff.pk]
        for c in changed:
            access.require_client(user, c, what="veileder: tildeling")
        Client.objects.filter(pk__in=[c.pk for c in changed]).update(counsellor=staff)
        for c in changed:
            journal.append(
                client_id=c.pk,
                kind=journal.Kind.CLIENT,
                actor=user,
                obj=c,
                visible_to_client=False,
                summary="Ny veileder" + (f": {reason[:200]}" if reason else ""),
            )
            audit.record(user, c.pk, audit.WRITE, "veileder: tildeling", why=reason[:200])
    return len(changed)
