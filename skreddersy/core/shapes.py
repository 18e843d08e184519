"""ORM reads compiled once per shape and run many times with new values.

A page that reads a client's record runs a score of small ORM statements on every request. The
database answers each in well under a millisecond; building the queryset and compiling it to SQL
costs the worker about a millisecond of CPU each, which made up half of the person page's CPU
(docs/decisions/0050-orm-statements-per-shape.md). A ``Shape`` keeps the compiled statement:

    _OPEN_TASKS = Shape("open tasks", lambda key, client_id: Task.objects.filter(client_id=client_id, ...))
    tasks = _OPEN_TASKS.list((), client.pk)

``build(key, *values)`` returns the queryset. ``key`` (hashable) is everything that changes the
statement's text (the reader's kind, a flag that adds a filter); ``values`` are what only changes
its parameters (ids, a time, a text). On the first call for a key the queryset is built with
stand-in values of the same types (sentinels) and compiled; each parameter of the SQL that is a
stand-in becomes a slot, the rest are constants. Later calls fill the slots and run the same
text through Django's own iterator (model instances, ``select_related``, annotations and
``prefetch_related`` as the queryset says).

A value that is None changes the statement (``IS NULL``), so whether each value is None is part of
the key. A value read inside ``build`` from anything but its arguments (the clock, a setting)
would be frozen into the statement: that is the mistake this design invites, so with
``SKREDDERSY_CHECK_SHAPES`` on (the test suite) every call also builds the queryset from its real
values and fails unless the text and the parameters are exactly those of the kept statement.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

from skreddersy.core import sql as sql_helpers

# Stand-ins: values no real parameter takes (inside a 32-bit integer column's range, as Django
# drops an out-of-range integer lookup from the statement; far from any id the product makes).
_INT_BASE = 2_046_813_001
_DATE_BASE = dt.date(1901, 2, 3)
# values a kept statement takes as they are: those of a 32-bit integer column
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


class ShapeError(AssertionError):
    """A ``Shape``'s build read something other than its key and values (or mis-keyed the text)."""


def _sentinel(i: int, value):
    if isinstance(value, bool):
        raise TypeError("a bool changes a statement's text: put it in the key")
    if isinstance(value, int):
        return _INT_BASE + 7919 * i
    if isinstance(value, str):
        return f"\x1fskr-shape-{i}\x1f"
    if isinstance(value, dt.datetime):
        return dt.datetime(1901, 2, 3, 4, 5, 6, 1000 + i, tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return _DATE_BASE + dt.timedelta(days=i)
    raise TypeError(f"a Shape value must be an int, str, date or datetime, not {type(value).__name__}")


def _forms(connection, value) -> list[tuple[str, object]]:
    """The forms a value can take among a compiled statement's parameters, with how to make it."""
    forms = [("as is", value)]
    if isinstance(value, dt.datetime):
        forms.append(("datetime", connection.ops.adapt_datetimefield_value(value)))
    elif isinstance(value, dt.date):
        forms.append(("date", connection.ops.adapt_datefield_value(value)))
    return forms


def _adapt(connection, how, value):
    if isinstance(how, type):  # a driver's typed integer (psycopg's Int4 for an integer Value)
        return how(value)
    if how == "datetime":
        return connection.ops.adapt_datetimefield_value(value)
    if how == "date":
        return connection.ops.adapt_datefield_value(value)
    return value


def _match(param, form):
    """How ``param`` is made from the stand-in's ``form``, or None when it is not that stand-in: the
    form itself, or an int the driver wraps in its own int type (psycopg's ``Int4``; refilled in it)."""
    if type(param) is type(form):
        return "same" if param == form else None
    if isinstance(form, int) and isinstance(param, int) and not isinstance(param, bool) and int(param) == form:
        return type(param)
    return None


@dataclass
class _Kept:
    queryset: QuerySet | None  # None: the statement can match nothing (EmptyResultSet)
    compiler: object = None
    sql: str = ""
    slots: tuple = ()  # per parameter: (index of the value, how to adapt it) or (None, constant)


def _compile(qs: QuerySet, db: str):
    """``(compiler, sql, params)`` of ``qs``, or None when it can match nothing."""
    compiler = qs.query.get_compiler(using=db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    if not sql:
        return None
    return compiler, sql, tuple(params)


class _FixedQuery:
    """The kept statement's query, handing Django's iterator the prepared compiler."""

    def __init__(self, query, compiler):
        self._query = query
        self._compiler = compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self._compiler

    def __getattr__(self, name):
        return getattr(self._query, name)


class Shape:
    def __init__(self, name: str, build):
        self.name = name
        self.build = build
        self._kept: dict[tuple, _Kept] = {}

    def _entry(self, db: str, key, values) -> _Kept:
        connection = connections[db]
        full_key = (connection.vendor, db, key, tuple(v is None for v in values))
        kept = self._kept.get(full_key)
        if kept is not None:
            return kept
        stand_ins = [None if v is None else _sentinel(i, v) for i, v in enumerate(values)]
        qs = self.build(key, *stand_ins)
        compiled = _compile(qs, db)
        if compiled is None:
            kept = _Kept(None)
        else:
            compiler, sql, params = compiled
            forms = [[] if s is None else _forms(connection, s) for s in stand_ins]
            # a value may not reach the statement at all (the office of a reader who sees no side rule)
            slots = [self._slot(p, forms) for p in params]
            kept = _Kept(qs, compiler, sql, tuple(slots))
        self._kept[full_key] = kept
        return kept

    @staticmethod
    def _slot(param, forms) -> tuple:
        for i, fs in enumerate(forms):
            for how, form in fs:
                match = _match(param, form)
                if match is not None:
                    return (i, match if isinstance(match, type) else how)
        return (None, param)

    def queryset(self, key, *values) -> QuerySet | None:
        """The kept statement with ``values`` as a queryset to evaluate once (None: it matches nothing)."""
        for v in values:
            if v is not None and not isinstance(v, int | str | dt.date):
                raise TypeError(f"a Shape value must be an int, str, date or datetime, not {type(v).__name__}")
        db = DEFAULT_DB_ALIAS
        if any(isinstance(v, int) and not _INT_MIN <= v <= _INT_MAX for v in values):
            # Django drops an integer lookup beyond its column's range from the statement (an id of
            # 2**70 matches nothing, no database error): such a value takes the ORM's own way
            return self.build(key, *values)
        kept = self._entry(db, key, values)
        if getattr(settings, "SKREDDERSY_CHECK_SHAPES", False):
            self._check(db, kept, key, values)
        if kept.queryset is None:
            return None
        params = self._params(connections[db], kept, values)
        compiler = copy.copy(kept.compiler)
        # this thread's connection: the kept compiler holds the one of the thread that compiled it
        connection = connections[db]
        # on PostgreSQL bound on the server: the same text every time, so prepared after a few uses
        compiler.connection = sql_helpers.ServerBound(connection) if connection.vendor == "postgresql" else connection
        sql = kept.sql
        compiler.as_sql = lambda with_limits=True, with_col_aliases=False: (sql, params)
        proto = kept.queryset
        qs = QuerySet(model=proto.model, query=_FixedQuery(proto.query, compiler), using=db)
        qs._iterable_class = proto._iterable_class
        qs._fields = proto._fields
        qs._prefetch_related_lookups = proto._prefetch_related_lookups
        return qs

    @staticmethod
    def _params(connection, kept: _Kept, values) -> tuple:
        return tuple(arg if i is None else _adapt(connection, arg, values[i]) for i, arg in kept.slots)

    def list(self, key, *values) -> list:
        qs = self.queryset(key, *values)
        return [] if qs is None else list(qs)

    def first(self, key, *values):
        """The first row (the build slices ``[:1]`` itself), or None."""
        rows = self.list(key, *values)
        return rows[0] if rows else None

    def _check(self, db: str, kept: _Kept, key, values) -> None:
        fresh = _compile(self.build(key, *values), db)
        if kept.queryset is None or fresh is None:
            if (kept.queryset is None) != (fresh is None):
                raise ShapeError(f"shape {self.name!r}: the key {key!r} does not say whether it matches nothing")
            return
        _compiler, sql, params = fresh
        if sql != kept.sql:
            raise ShapeError(f"shape {self.name!r}: the key {key!r} does not fix the statement's text")
        if params != self._params(connections[db], kept, values):
            raise ShapeError(f"shape {self.name!r}: a parameter comes from outside the values")
