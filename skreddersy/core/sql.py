"""Helpers for the few hand-written statements on hot paths (the overview and the audit of
list reads): a list of ids goes to the database as one parameter, an array on PostgreSQL and a
JSON array on SQLite, so the statement text is the same whatever the number of ids. The drivers
then reuse their parsed form of the statement, which they do not do for statements with hundreds
of placeholders."""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import contextmanager

from django.db.models import BooleanField, Expression


@contextmanager
def cursor(connection):
    """A cursor for a hot-path statement. On PostgreSQL it binds parameters on the server, so
    psycopg prepares the statement once it has run a few times on this connection (see
    ``prepare_threshold`` in settings) and PostgreSQL stops planning it on every request; on
    SQLite it is Django's cursor. Either way it is Django's cursor wrapper, so errors are
    Django's and the statements show up where Django lists queries (tests count them)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cur:
            yield cur
        return
    cur = server_bound_cursor(connection)
    try:
        yield cur
    finally:
        cur.close()


def server_bound_cursor(connection):
    """A PostgreSQL cursor that binds parameters on the server (``cursor``), wrapped as Django wraps
    its own; the caller closes it."""
    import psycopg

    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)


class ServerBound:
    """``connection`` for an ORM compiler whose statement runs the same text on every request
    (``core.shapes``): its cursors bind on the server on PostgreSQL, so psycopg prepares the
    statement after a few uses and PostgreSQL stops planning it each time; everything else is the
    connection's own."""

    def __init__(self, connection):
        self._connection = connection

    def cursor(self):
        return server_bound_cursor(self._connection)

    def __getattr__(self, name):
        return getattr(self._connection, name)


_TABLES: dict[tuple[str, str], str] = {}


def table(connection, model) -> str:
    """``model``'s table name, quoted for ``connection`` (kept per vendor: the overview places a
    dozen table names per request, and quoting each through the connection proxy showed in its
    profile)."""
    key = (connection.vendor, model._meta.db_table)
    name = _TABLES.get(key)
    if name is None:
        name = _TABLES[key] = connection.ops.quote_name(model._meta.db_table)
    return name


def in_ids(connection, ids: Sequence[int]) -> tuple[str, object]:
    """``(sql, param)`` for ``<column> <sql>``: true when the column is one of ``ids``."""
    ids = [int(i) for i in ids]
    if connection.vendor == "postgresql":
        return "= ANY(%s)", ids
    return "IN (SELECT value FROM json_each(%s))", json.dumps(ids)


def ids_source(connection, ids: Sequence[int]) -> tuple[str, str, object]:
    """``(from_sql, column, param)``: a FROM-clause row source with one row per id, and the
    name of its id column (for ``INSERT ... SELECT``)."""
    ids = [int(i) for i in ids]
    if connection.vendor == "postgresql":
        return "unnest(%s::bigint[]) AS ids(id)", "ids.id", ids
    return "json_each(%s) AS ids", "ids.value", json.dumps(ids)


def columns(model, alias: str) -> list[str]:
    """``alias."column"`` for each of ``model``'s concrete fields, in the order ``instance``
    expects them."""
    from django.db import connection

    return [f"{alias}.{connection.ops.quote_name(f.column)}" for f in model._meta.concrete_fields]


def instance(connection, model, values):
    """A model instance from a plain SELECT of ``columns(model, ...)``, with the values the ORM
    would give (SQLite hands back booleans and timestamps as stored)."""
    fields = model._meta.concrete_fields
    out = []
    for field, value in zip(fields, values, strict=True):
        col = field.cached_col
        for conv in connection.ops.get_db_converters(col) + col.get_db_converters(connection):
            value = conv(value, col, connection)
        out.append(value)
    return model.from_db(connection.alias, [f.attname for f in fields], out)


def per_row(connection) -> str:
    """Text to end a correlated ``EXISTS (SELECT ...)`` that must stay a test per row: on PostgreSQL
    ``OFFSET 0``, which keeps the planner from turning the EXISTS into a hashed subplan that reads
    every matching row of the whole table to build a hash (inside an expression: every open task in
    the country, 33 ms, for an office list whose clients each need one index probe), or a NOT
    EXISTS at the top of a WHERE into an anti-join (the KVP rule on one client's records:
    ``access._kvp_condition``); SQLite probes per row anyway (and takes no OFFSET without a LIMIT)."""
    return " OFFSET 0" if connection.vendor == "postgresql" else ""


def time_param(connection, value):
    """A date or timestamp as a parameter of a hand-written statement, as the ORM would pass it
    (on SQLite: the stored UTC text; PostgreSQL takes the value itself)."""
    import datetime as dt

    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return connection.ops.adapt_datefield_value(value)


class Fragment(Expression):
    """A hand-written SQL condition (or value) around columns of the statement it is used in,
    for ORM querysets on hot paths: ``filter``, ``Q``, ``~Q``, ``Count(filter=...)``,
    ``annotate`` and ``order_by`` take it like any expression.

    ``render`` gets the compiled SQL of each named column (``F`` paths, resolved as Django
    resolves them in the statement at hand, aliases in subqueries included) and returns
    ``(sql, params)``. Building a correlated ``Exists`` with the ORM and compiling it costs far
    more CPU than the database spends running it when a page builds dozens of them on every
    request (the overview's counters); this costs a string format. The columns must compile
    without parameters (plain columns)."""

    def __init__(self, render, output_field=None, **columns):
        super().__init__(output_field=output_field or BooleanField())
        self.render = render
        self.names = tuple(columns)
        self.columns = [columns[n] for n in self.names]

    def get_source_expressions(self):
        return list(self.columns)

    def set_source_expressions(self, exprs):
        self.columns = list(exprs)

    def as_sql(self, compiler, connection):
        cols = {}
        for name, col in zip(self.names, self.columns, strict=True):
            col_sql, col_params = compiler.compile(col)
            if col_params:
                raise ValueError(f"sql.Fragment: column {name!r} compiles with parameters")
            cols[name] = col_sql
        text, params = self.render(cols)
        return f"({text})", list(params)
