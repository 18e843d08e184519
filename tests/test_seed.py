"""The seed command: synthetic, valid identity numbers; deterministic for a seed; the figures
of the field notes roughly kept; every client's case readable from its journal."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from skreddersy.clients.models import Client
from skreddersy.core import fnr
from skreddersy.core.models import Office, StaffMember, User
from skreddersy.followup.models import Activity, Message, NeedsDecision

pytestmark = pytest.mark.django_db


def _seed(n=120, seed=5):
    call_command("seed", "--scale", "demo", "--seed", str(seed), "--clients", str(n), "--no-progress", stdout=StringIO(),
                 stderr=StringIO())


def test_demo_identity_numbers_are_valid_and_recognisably_synthetic():
    _seed()
    numbers = list(Client.objects.values_list("fnr", flat=True))
    assert len(numbers) >= 120
    for value in numbers:
        parsed = fnr.parse(value)
        assert parsed.is_synthetic, "demo data must never use a number a real person could have"


def test_birth_date_is_the_one_in_the_number():
    _seed()
    for value, birth in Client.objects.values_list("fnr", "birth_date"):
        assert fnr.parse(value).birth_date == birth


@pytest.mark.django_db(transaction=True)
def test_seed_is_deterministic_for_a_given_seed():
    _seed(seed=9)
    first = list(Client.objects.order_by("id").values_list("fnr", "first_name", "need_group"))
    call_command("flush", "--noinput", stdout=StringIO())
    _seed(seed=9)
    second = list(Client.objects.order_by("id").values_list("fnr", "first_name", "need_group"))
    assert first == second
    call_command("flush", "--noinput", stdout=StringIO())
    _seed(seed=10)
    third = list(Client.objects.order_by("id").values_list("fnr", "first_name", "need_group"))
    assert third != first


def test_demo_has_the_organisation_and_logins_the_readme_promises():
    _seed()
    assert Office.objects.count() == 4
    assert Office.objects.values("county").distinct().count() == 2
    # a handful per office, plus the job-specialist team of five at Bergenhus and a market contact per office
    assert 30 <= StaffMember.objects.count() <= 50
    for username in ("veileder1", "leder.bergenhus", "beslutter.bergenhus", "analytiker", "admin", "bruker1",
                     "metodeveileder.bergenhus", "jobbspesialist5.bergenhus", "markedskontakt.voss"):
        user = User.objects.get(username=username)
        assert user.check_password("skreddersy-demo")
    employers = list(StaffMember.objects.values_list("employer", flat=True))
    assert "state" in employers and "municipal" in employers


def test_every_client_has_a_history_and_permanent_decisions_have_a_second_approver():
    _seed()
    assert Activity.objects.exists() and Message.objects.exists()
    without_journal = Client.objects.annotate(n=Count("journal")).filter(n=0).count()
    assert without_journal == 0
    permanent = NeedsDecision.objects.filter(
        status="sent", need_group__in=["GRADERT_VARIG_TILPASSET_INNSATS", "VARIG_TILPASSET_INNSATS"]
    )
    for d in permanent:
        assert d.approver_id is not None and d.approver_id != d.drafted_by_id
    for d in NeedsDecision.objects.filter(status="sent").exclude(need_group="STANDARD_INNSATS"):
        assert d.justification.strip()


def test_seed_refuses_a_database_that_already_has_clients():
    _seed(n=30)
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        _seed(n=30)
    out = StringIO()
    call_command("seed", "--scale", "demo", "--if-empty", "--no-progress", stdout=out, stderr=StringIO())
    assert "finnes allerede" in out.getvalue()


def test_the_seed_command_finds_every_apps_part_through_the_app_registry_in_installed_apps_order():
    from django.apps import apps
    from django.conf import settings

    from skreddersy.core.management.commands.seed import seeding_parts

    labels = [label for label, _mod in seeding_parts()]
    assert labels == ["core", "clients", "followup", "measures", "insight", "work", "workload"]
    installed = [apps.get_app_config(label).name for label in labels]
    assert installed == [name for name in settings.INSTALLED_APPS if name in installed]
    for _label, mod in seeding_parts():
        assert hasattr(mod, "seed") or hasattr(mod, "prepare"), mod.__name__


def test_followup_history_is_written_by_followups_part_for_every_client_the_clients_part_seeds():
    _seed(n=60)
    from skreddersy.followup.models import ActivityPlan

    # every client has exactly one plan (followup's part ran once per client), and the need group on
    # the client row is the one of the client's latest sent decision (or none)
    assert ActivityPlan.objects.count() == Client.objects.count()
    for c in Client.objects.all():
        latest = NeedsDecision.objects.filter(client=c, status="sent").order_by("-sent_at").first()
        assert c.need_group == (latest.need_group if latest else "")


def test_demo_shows_meetings_notices_own_ratings_and_a_kvp():
    """Issue 17: the demo's clients with logins have meetings ahead (Min side and the counsellor's
    week show them), and there are formal notices, the clients' own ratings (enough for the analysts'
    aggregate page, n >= 5) and a KVP period run by a municipal counsellor."""
    from skreddersy.clients.models import KvpPeriod
    from skreddersy.followup.models import AdvanceNotice, Meeting, SelfRating

    _seed(n=300)
    logins = Client.objects.exclude(user__password="!")
    assert logins.exists()
    assert all(Meeting.objects.filter(client=c, status="planned").exists() for c in logins)
    by_counsellor: dict = {}
    for m in Meeting.objects.order_by("starts_at"):
        by_counsellor.setdefault(m.counsellor_id, []).append(m)
    for ms in by_counsellor.values():  # a counsellor's meetings never overlap
        assert all(a.ends_at <= b.starts_at for a, b in zip(ms, ms[1:], strict=False))
    assert Meeting.objects.exclude(status="planned").exists()
    # each login has a formal notice waiting for their answer on Min side
    assert all(AdvanceNotice.objects.filter(client=c, responded_at__isnull=True).exists() for c in logins)
    assert SelfRating.objects.filter(occasion="start").values("client").distinct().count() >= 5
    kvp = KvpPeriod.objects.first()
    assert kvp is not None and kvp.end is None
    assert {s.employer for s in kvp.followers.all()} == {"municipal"}
