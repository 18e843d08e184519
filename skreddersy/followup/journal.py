"""The one chronological journal: every service that changes a case appends here."""

from skreddersy.core import clock
from skreddersy.followup.models import JournalEntry

Kind = JournalEntry.Kind


def append(*, client_id: int, kind: str, summary: str, actor=None, obj=None, visible_to_client: bool = True, at=None) -> JournalEntry:
    return JournalEntry.objects.create(
        client_id=client_id,
        at=at or clock.now(),
        kind=kind,
        summary=summary[:300],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "pk", None),
        visible_to_client=visible_to_client,
    )
