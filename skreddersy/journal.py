"""The one chronological journal per client: every service that changes a case appends here.

The entries are ``followup.models.JournalEntry`` (models are one layer, so the table stays where
it is); the append lives here, beside the access policy: above every app's models and below
every app's services, so the services of clients, followup, measures and anything above append
without importing another app's services. See docs/architecture.md.
"""

from skreddersy.core import clock
from skreddersy.core.records import RecordCategory
from skreddersy.core.seeding.bulk import BulkWriter
from skreddersy.followup.models import JournalEntry

Kind = JournalEntry.Kind

SEED_FIELDS = ["client", "at", "kind", "summary", "actor", "object_type", "object_id", "visible_to_client", "category"]


def append(*, client_id: int, kind: str, summary: str, actor=None, obj=None, visible_to_client: bool = True, at=None,
           category: str = RecordCategory.FOLLOWUP) -> JournalEntry:
    """One line; ``category`` is the side of the office that holds it (core.records; the policy's
    ``record_filter`` decides who reads it)."""
    return JournalEntry.objects.create(
        category=category,
        client_id=client_id,
        at=at or clock.now(),
        kind=kind,
        summary=summary[:300],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "pk", None),
        visible_to_client=visible_to_client,
    )


def seed_writer(batch: int) -> BulkWriter:
    """A bulk writer of journal rows in ``SEED_FIELDS`` order, for the seeding parts."""
    return BulkWriter(JournalEntry, SEED_FIELDS, batch)


def append_many(entries: list[dict], *, actor=None) -> None:
    """Append several entries in one insert (each a dict of ``append``'s keywords but ``actor`` and
    ``obj``): the system's own entries, such as the worker's delivery receipts, or one staff
    member's action on many clients at once (``actor``, such as a leader handing out a caseload)."""
    now = clock.now()
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    JournalEntry.objects.bulk_create([
        JournalEntry(client_id=e["client_id"], at=e.get("at") or now, kind=e["kind"], summary=e["summary"][:300],
                     actor_id=actor_id,
                     object_type=e.get("object_type", ""), object_id=e.get("object_id"),
                     visible_to_client=e.get("visible_to_client", True), category=e.get("category", RecordCategory.FOLLOWUP))
        for e in entries
    ])
