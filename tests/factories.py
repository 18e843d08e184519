"""Small builders for test data. Identity numbers are synthetic (month + 80) and pass the checksum."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from contextlib import contextmanager

from django.db import transaction

from skreddersy.clients.models import Client, FollowUpPeriod
from skreddersy.core import fnr
from skreddersy.core.models import County, Office, OfficeMembership, Role, StaffMember, StaffRole, User

_seq = itertools.count(1)
_rng = random.Random(20261125)
PASSWORD = "test-passord-123"
_password_hash: list[str] = []


def _hashed_password() -> str:
    """PASSWORD hashed once (Argon2 costs ~0.5 s per user); the logins still work with PASSWORD."""
    if not _password_hash:
        from django.contrib.auth.hashers import make_password

        _password_hash.append(make_password(PASSWORD))
    return _password_hash[0]


def county(code: str | None = None) -> County:
    n = next(_seq)
    code = code or f"{n % 100:02d}"
    obj, _ = County.objects.get_or_create(code=code, defaults={"name": f"Fylke {code}"})
    return obj


def office(c: County | None = None, number: str | None = None, name: str | None = None) -> Office:
    n = next(_seq)
    return Office.objects.create(
        number=number or f"{1000 + n:04d}"[-4:],
        name=name or f"Nav Testkontor {n}",
        municipality=f"Kommune {n}",
        county=c or county(),
        size_band=Office.SizeBand.MEDIUM,
    )


def staff(*roles: str, offices=(), employer: str = "state", kode6=False, kode7=False, skjermet=False, username=None) -> StaffMember:
    n = next(_seq)
    username = username or f"ansatt{n}"
    user = User.objects.create(username=username, password=_hashed_password(), kind=User.Kind.STAFF)
    s = StaffMember.objects.create(
        user=user, nav_ident=f"Z{n:06d}", display_name=f"Ansatt {n}", employer=employer,
        clearance_strictly_confidential=kode6, clearance_confidential=kode7, clearance_skjermet=skjermet,
    )
    for r in roles or (Role.COUNSELLOR,):
        StaffRole.objects.create(staff=s, role=r)
    for o in offices:
        OfficeMembership.objects.create(staff=s, office=o)
    return s


def client(office: Office, counsellor: StaffMember | None = None, *, birth_date: dt.date | None = None, login: bool = False,
           address_protection: str = "", skjermet: bool = False, **extra) -> Client:
    n = next(_seq)
    birth_date = birth_date or dt.date(1985, 1 + n % 12, 1 + n % 28)
    number = fnr.synthetic(birth_date, _rng)
    while Client.objects.filter(fnr=number).exists():
        number = fnr.synthetic(birth_date, _rng)
    user = None
    if login:
        user = User.objects.create(username=f"bruker{n}", password=_hashed_password(), kind=User.Kind.CLIENT)
    c = Client.objects.create(
        fnr=number, first_name=f"Fornavn{n}", last_name=f"Etternavn{n}", birth_date=birth_date,
        municipality=office.municipality, office=office, counsellor=counsellor, user=user,
        address_protection=address_protection, skjermet=skjermet, **extra,
    )
    FollowUpPeriod.objects.create(client=c, start=dt.date(2026, 1, 1))
    return c


def fresh_user(who) -> User:
    """The login re-read from the database, as a new request would see it (no cached access facts)."""
    user = getattr(who, "user", who)
    return User.objects.get(pk=user.pk)


def client_user(c: Client) -> User:
    """A login for an existing client."""
    if c.user_id is None:
        n = next(_seq)
        c.user = User.objects.create(username=f"bruker{n}", password=_hashed_password(), kind=User.Kind.CLIENT)
        c.save(update_fields=["user"])
    return User.objects.get(pk=c.user_id)


@contextmanager
def rolled_back():
    """A block whose writes are always undone: one hypothesis example's data inside a test."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
