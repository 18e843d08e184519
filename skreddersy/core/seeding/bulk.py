"""Fast, streaming bulk inserts for seeding: COPY on PostgreSQL, executemany on SQLite.

Ids are assigned by the caller (``IdRange``) so that later rows can refer to earlier ones
without reading them back; sequences are reset afterwards.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.color import no_style
from django.db import connection


class IdRange:
    """Hands out ids above the table's current maximum."""

    def __init__(self, model):
        with connection.cursor() as cur:
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")
            self.next = int(cur.fetchone()[0]) + 1

    def take(self) -> int:
        n = self.next
        self.next += 1
        return n


_vendor: str | None = None


def _is_sqlite() -> bool:
    global _vendor
    if _vendor is None:
        _vendor = connection.vendor
    return _vendor == "sqlite"


def ts(value: dt.datetime | None):
    """A datetime as the database driver wants it for raw inserts. Seed datetimes are aware UTC;
    SQLite gets Django's text form (naive UTC), PostgreSQL the datetime itself."""
    if value is None:
        return None
    if _is_sqlite():
        if value.utcoffset():
            value = value.astimezone(dt.UTC)
        return str(value)[:-6]
    return value


def d(value: dt.date | None):
    if value is None:
        return None
    return value.isoformat() if _is_sqlite() else value


class BulkWriter:
    """Buffer rows (tuples in ``fields`` order) for one model and flush them in batches."""

    def __init__(self, model, fields: list[str], batch: int = 20000):
        self.model = model
        meta = model._meta
        self.table = meta.db_table
        self.columns = [meta.get_field(f).column for f in fields]
        self.batch = batch
        self.rows: list[tuple] = []
        self.count = 0
        # Rows are appended directly (``writer.add(row)`` is ``list.append``); the caller flushes
        # every few thousand clients, which bounds memory.
        self.add = self.rows.append


    def flush(self) -> None:
        if not self.rows:
            return
        cols = ", ".join(f'"{c}"' for c in self.columns)
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                raw = cur.cursor  # psycopg 3 cursor
                with raw.copy(f'COPY "{self.table}" ({cols}) FROM STDIN') as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cur.executemany(f'INSERT INTO "{self.table}" ({cols}) VALUES ({marks})', self.rows)
        self.count += len(self.rows)
        self.rows.clear()


def reset_sequences(*models) -> None:
    sql = connection.ops.sequence_reset_sql(no_style(), list(models))
    if sql:
        with connection.cursor() as cur:
            for stmt in sql:
                cur.execute(stmt)
