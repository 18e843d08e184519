"""Backfill Activity.measure_type where it can be known, and only there:

1. an activity made for a place in an offering (a referral points to it): the offering's type;
2. a measure activity whose title is a type's name, or its short name (the part before " / " or
   " ("), with or without the "Tiltak: " prefix, case aside, where that name belongs to one type
   only ("Arbeidstrening", "Avklaring", "Jobbklubb"; "Arbeidsmarkedsopplæring" names two and is left).

Anything else stays empty: a counsellor can set it on the activity. The rule is written out here
(not imported) so that this migration keeps doing what it did when the models change.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery

BATCH = 500


def _names(name: str) -> set[str]:
    name = name.strip()
    short = name.split(" / ")[0].split(" (")[0].strip()
    keys = {name.casefold(), short.casefold()}
    return keys | {f"tiltak: {k}" for k in keys}


def backfill(apps, schema_editor):
    Activity = apps.get_model("followup", "Activity")
    MeasureType = apps.get_model("measures", "MeasureType")
    Referral = apps.get_model("measures", "Referral")
    todo = Activity.objects.filter(type="measure", measure_type__isnull=True)
    # 1. from the referral that made the activity
    via_referral = Referral.objects.filter(activity_id=OuterRef("pk")).order_by("-id").values("offering__measure_type_id")[:1]
    linked = list(Referral.objects.filter(activity__isnull=False).values_list("activity_id", flat=True).distinct())
    for i in range(0, len(linked), BATCH):
        todo.filter(pk__in=linked[i:i + BATCH]).update(measure_type_id=Subquery(via_referral))
    # 2. from the title, where it names one type only
    owners: dict[str, set[int]] = {}
    for pk, name in MeasureType.objects.values_list("pk", "name"):
        for key in _names(name):
            owners.setdefault(key, set()).add(pk)
    by_title: dict[int, list[str]] = {}
    for title in todo.values_list("title", flat=True).distinct().order_by():
        match = owners.get(title.strip().casefold(), set())
        if len(match) == 1:
            by_title.setdefault(next(iter(match)), []).append(title)
    for type_id, titles in by_title.items():
        for i in range(0, len(titles), BATCH):
            todo.filter(title__in=titles[i:i + BATCH]).update(measure_type_id=type_id)


class Migration(migrations.Migration):

    dependencies = [
        ("followup", "0008_activity_measure_type"),
        ("measures", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
