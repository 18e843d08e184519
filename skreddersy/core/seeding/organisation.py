"""The organisation and its staff: counties, offices, teams, staff members with roles, office
memberships and (demo) logins. Core's own seeding part.

Figures follow context/FIELD.md where it gives them: office sizes 61 % small, 28 % medium,
10 % large; about half the staff employed by the municipality (45.5 % in the 2018 survey).
"""

from __future__ import annotations

import random

from django.contrib.auth.hashers import make_password

from skreddersy.core.models import County, Office, OfficeMembership, Role, StaffMember, StaffRole, Team, User
from skreddersy.core.seeding import names
from skreddersy.core.seeding.base import DEMO_PASSWORD, SeedContext
from skreddersy.core.seeding.base import weighted as _weighted
from skreddersy.core.seeding.bulk import BulkWriter, IdRange, reset_sequences, ts


def _place_name(rng: random.Random) -> str:
    return rng.choice(names.PLACE_STEMS) + rng.choice(names.PLACE_PARTS_B)


# --- organisation and staff ---------------------------------------------------------------------

DEMO_OFFICES = [
    ("46", "Vestland", [("1201", "Nav Bergenhus", "Bergen", "medium"), ("4621", "Nav Voss", "Voss", "small")]),
    ("55", "Troms", [("1902", "Nav Tromsø", "Tromsø", "medium"), ("1938", "Nav Lyngen", "Lyngen", "small")]),
]


def seed_organisation(ctx: SeedContext) -> None:
    rng = ctx.rng
    if ctx.national:
        counties = [County(code=c, name=n) for c, n in names.COUNTIES]
        County.objects.bulk_create(counties)
        offices = []
        used_numbers = set()
        for i in range(300):
            county = counties[i % len(counties)]
            band = _weighted(rng, [("small", 61), ("medium", 28), ("large", 10)])
            place = _place_name(rng)
            while True:
                number = f"{rng.randint(1000, 9999)}"
                if number not in used_numbers:
                    used_numbers.add(number)
                    break
            offices.append(Office(number=number, name=f"Nav {place} {i + 1}", municipality=place, county=county, size_band=band))
        Office.objects.bulk_create(offices, batch_size=ctx.batch)
    else:
        offices = []
        for code, cname, offs in DEMO_OFFICES:
            county = County.objects.create(code=code, name=cname)
            for number, oname, muni, band in offs:
                offices.append(Office.objects.create(number=number, name=oname, municipality=muni, county=county, size_band=band))
    ctx.county_ids = list(County.objects.order_by("id").values_list("id", flat=True))
    ctx.office_ids = [o.pk for o in Office.objects.order_by("id")]
    for o in Office.objects.all():
        Team.objects.bulk_create([Team(office=o, name="Team ung"), Team(office=o, name="Team arbeid og helse")])


def _staff_plan(ctx: SeedContext, band: str) -> list[str]:
    """Roles at one office. National: sized by band; demo: a handful per office."""
    if not ctx.national:
        return ["office_leader", "team_leader", "second_approver"] + ["counsellor"] * 4 + ["job_specialist"]
    counsellors = {"small": ctx.rng.randint(4, 10), "medium": ctx.rng.randint(14, 40), "large": ctx.rng.randint(45, 75)}[band]
    return ["office_leader", "team_leader", "second_approver", "job_specialist"] + ["counsellor"] * counsellors


def seed_staff(ctx: SeedContext) -> None:
    rng = ctx.rng
    demo = not ctx.national
    password = make_password(DEMO_PASSWORD) if demo else "!"  # national: no logins
    user_ids = IdRange(User)
    staff_ids = IdRange(StaffMember)
    users = BulkWriter(User, ["id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
                              "is_active", "date_joined", "kind"], ctx.batch)
    staff = BulkWriter(StaffMember, ["id", "user", "nav_ident", "display_name", "employer", "clearance_strictly_confidential",
                                     "clearance_confidential", "clearance_skjermet"], ctx.batch)
    roles = BulkWriter(StaffRole, ["staff", "role"], ctx.batch)
    members = BulkWriter(OfficeMembership, ["staff", "office", "team"], ctx.batch)
    teams = {}
    for t in Team.objects.all():
        teams.setdefault(t.office_id, []).append(t.pk)
    counters: dict[str, int] = {}
    ident_seq = 100000
    now = ts(ctx.now)
    offices = list(Office.objects.order_by("id"))
    ctx.staff_by_role = {r: [] for r in Role.values}
    ctx.staff_offices = {}

    def add(role_list, office_ids, *, username=None, kode7=False, skjermet=False, kode6=False, superuser=False, draw=None):
        nonlocal ident_seq
        draw = draw or rng  # a login added later draws from its own stream, so the rest of the data stays as it was
        uid, sid = user_ids.take(), staff_ids.take()
        first = draw.choice(names.FIRST_NAMES)
        last = draw.choice(names.LAST_NAMES)
        if username is None:
            key = role_list[0]
            counters[key] = counters.get(key, 0) + 1
            username = f"{key.replace('_', '')}{counters[key]}"
        ident_seq += 1
        letter = "Z"
        users.add((uid, password, superuser, username, "", "", "", superuser, True, now, "staff"))
        employer = "municipal" if draw.random() < 0.455 else "state"
        staff.add((sid, uid, f"{letter}{ident_seq}", f"{first} {last}", employer, kode6, kode7, skjermet))
        for r in role_list:
            roles.add((sid, r))
            ctx.staff_by_role[r].append(sid)
        for oid in office_ids:
            members.add((sid, oid, draw.choice(teams[oid]) if role_list[0] in ("counsellor", "job_specialist") else None))
        ctx.staff_offices[sid] = list(office_ids)
        if demo:
            side = "kommunalt tilsatt" if employer == "municipal" else "statlig tilsatt"
            ctx.demo_logins.append((username, DEMO_PASSWORD, ", ".join(str(Role(r).label) for r in role_list) + f" ({side})"))
        return sid

    if demo:
        for o in offices:
            short = o.name.replace("Nav ", "").lower().replace("ø", "o").replace("å", "a").replace("æ", "ae")
            add(["office_leader"], [o.pk], username=f"leder.{short}")
            add(["team_leader"], [o.pk], username=f"teamleder.{short}")
            add(["second_approver", "counsellor"], [o.pk], username=f"beslutter.{short}")
            for _ in range(4 if o.size_band == "medium" else 3):
                n = counters.get("counsellor", 0) + 1
                counters["counsellor"] = n
                add(["counsellor"], [o.pk], username=f"veileder{n}", kode7=(n == 1), skjermet=(n == 1))
            add(["job_specialist"], [o.pk], username=f"jobbspesialist.{short}")
        # one counsellor serving two offices of the same county
        n = counters.get("counsellor", 0) + 1
        counters["counsellor"] = n
        add(["counsellor"], [offices[0].pk, offices[1].pk], username=f"veileder{n}")
        add(["analyst"], [], username="analytiker")
        add(["administrator"], [], username="admin", superuser=True)
        add(["counsellor"], [offices[2].pk], username="veileder.kode6", kode6=True, kode7=True)
        # a second administrator: kode 6 and the administrator role need two (four eyes, /tilganger/)
        add(["administrator"], [], username="admin2", superuser=True, draw=random.Random("admin2"))
    else:
        for o in offices:
            for r in _staff_plan(ctx, o.size_band):
                add([r], [o.pk])
        for _ in range(20):
            add(["analyst"], [])
        add(["administrator"], [], username="admin", superuser=True)
    for w in (users, staff, roles, members):
        w.flush()
    reset_sequences(User, StaffMember, StaffRole, OfficeMembership)

