"""The insight part of the demo data: item bank, a closed wave with enough answers per office
for n >= 5 aggregates, an open wave whose invitations the demo users can use."""

import datetime as dt
import random

from skreddersy.core import clock
from skreddersy.core.seeding import SeedContext
from skreddersy.insight import seeding
from skreddersy.insight.models import Invitation, Response, Wave
from tests import factories as f


def test_seed_builds_waves_with_answerable_invitations(db):
    county = f.county("50")
    offices = [f.office(county) for _ in range(2)]
    staff = [f.staff("counsellor", offices=[offices[i % 2]]) for i in range(6)]
    ctx = SeedContext(scale="demo", rng=random.Random(1), now=clock.now(), batch=500,
                      progress=lambda label, total: (lambda n: None))
    ctx.office_ids = [o.pk for o in offices]
    ctx.staff_offices = {s.pk: [offices[i % 2].pk] for i, s in enumerate(staff)}
    ctx.demo_logins = [(staff[0].user.username, "x", "demo")]
    seeding.seed(ctx)
    closed = Wave.objects.get(label="Høsten 2025")
    opened = Wave.objects.get(label="Våren 2026")
    assert closed.status == "closed" and opened.is_open()
    for o in offices:
        assert Response.objects.filter(wave=closed, office=o).count() >= 5
    assert not Invitation.objects.get(wave=opened, staff=staff[0]).used
    web_answers = Response.objects.filter(wave=opened, source="web").count()
    assert web_answers == Invitation.objects.filter(wave=opened, used=True).count()
    seeding.seed(ctx)  # running again adds nothing
    assert Wave.objects.count() == 2
    assert closed.opens_at < clock.now() - dt.timedelta(days=30)
