"""Keeping the audit trail at national scale: monthly partitions on PostgreSQL, and archives of a
month (gzip'd JSON lines plus a SHA-256 manifest) that are proved to read back identically before
the month may be dropped. The management commands ``audit_partitions``, ``audit_archive`` and
``audit_restore`` call these; nothing here runs on a request.

An archive is two files: ``audit-YYYY-MM.jsonl.gz`` (one JSON object per entry, ordered by id,
keys sorted, times in UTC ISO 8601) and ``audit-YYYY-MM.manifest.json`` (rows, first and last id,
the SHA-256 of the compressed file and of the uncompressed lines).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from skreddersy.core import clock
from skreddersy.core.models import AuditEntry

TABLE = "core_auditentry"
FORMAT = "skreddersy-audit-archive/1"
FIELDS = ("id", "at", "actor_id", "client_id", "client_ids", "action", "what", "why", "object_type", "object_id")


class ArchiveError(Exception):
    """The archive is missing, damaged or differs from the database; nothing was dropped."""


def month_start(value: dt.date | dt.datetime) -> dt.date:
    return dt.date(value.year, value.month, 1)


def add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


def parse_month(text: str) -> dt.date:
    try:
        y, m = text.split("-")
        return dt.date(int(y), int(m), 1)
    except ValueError as exc:
        raise ArchiveError(f"Måned må skrives ÅÅÅÅ-MM, ikke {text!r}.") from exc


def bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    lo = dt.datetime(month.year, month.month, 1, tzinfo=dt.UTC)
    nxt = add_months(month, 1)
    return lo, dt.datetime(nxt.year, nxt.month, 1, tzinfo=dt.UTC)


def partition_name(month: dt.date) -> str:
    return f"{TABLE}_p{month:%Y%m}"


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass", [TABLE])
        return cur.fetchone() is not None


def partitions() -> dict[str, str]:
    """Partition name -> its bound expression (PostgreSQL)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = %s::regclass ORDER BY c.relname", [TABLE])
        return dict(cur.fetchall())


def ensure_partition(month: dt.date) -> bool:
    """Make the month's partition unless it exists; rows of that month waiting in the default
    partition move into it. Returns True when it made one."""
    name = partition_name(month)
    if name in partitions():
        return False
    lo, hi = bounds(month)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"LOCK TABLE {TABLE}_default IN ACCESS EXCLUSIVE MODE")
        cur.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        cur.execute(f"INSERT INTO {name} SELECT * FROM {TABLE}_default WHERE at >= %s AND at < %s", [lo, hi])
        cur.execute(f"DELETE FROM {TABLE}_default WHERE at >= %s AND at < %s", [lo, hi])
        cur.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)", [lo, hi])
    return True


def ensure_upcoming(ahead: int | None = None, *, now: dt.datetime | None = None) -> list[str]:
    """Partitions for this month and ``ahead`` months after it (AUDIT_PARTITIONS_AHEAD)."""
    ahead = settings.AUDIT_PARTITIONS_AHEAD if ahead is None else ahead
    first = month_start(now or clock.now())
    made = []
    for i in range(ahead + 1):
        m = add_months(first, i)
        if ensure_partition(m):
            made.append(partition_name(m))
    return made


# --- archives ------------------------------------------------------------------------------------


def _canonical(row: dict) -> str:
    out = {}
    for k in FIELDS:
        v = row[k]
        if k == "at":
            v = v.astimezone(dt.UTC).isoformat()
        elif k == "client_ids" and v is not None:
            v = [int(x) for x in v]
        out[k] = v
    return json.dumps(out, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _db_lines(month: dt.date) -> Iterator[str]:
    lo, hi = bounds(month)
    qs = AuditEntry.objects.filter(at__gte=lo, at__lt=hi).order_by("id").values(*FIELDS)
    for row in qs.iterator(chunk_size=5000):
        yield _canonical(row)


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def archive_paths(directory: Path, month: dt.date) -> tuple[Path, Path]:
    return directory / f"audit-{month:%Y-%m}.jsonl.gz", directory / f"audit-{month:%Y-%m}.manifest.json"


@dataclass
class Manifest:
    month: str
    rows: int
    first_id: int | None
    last_id: int | None
    file: str
    file_sha256: str
    rows_sha256: str

    def as_dict(self) -> dict:
        return {"format": FORMAT, "table": TABLE, "month": self.month, "rows": self.rows, "first_id": self.first_id,
                "last_id": self.last_id, "file": self.file, "file_sha256": self.file_sha256, "rows_sha256": self.rows_sha256,
                "fields": list(FIELDS)}


def export_month(month: dt.date, directory: Path) -> Manifest:
    """Write the month's entries to ``directory`` (written under temporary names, then renamed)."""
    directory.mkdir(parents=True, exist_ok=True)
    data, manifest_path = archive_paths(directory, month)
    tmp = data.with_suffix(".gz.tmp")
    rows_hash = hashlib.sha256()
    n, first, last = 0, None, None
    with transaction.atomic():  # one snapshot of the month (PostgreSQL: REPEATABLE READ not needed for a closed month)
        with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=6) as out:
            for line in _db_lines(month):
                out.write(line + "\n")
                rows_hash.update(line.encode() + b"\n")
                row_id = json.loads(line)["id"]
                first = row_id if first is None else first
                last = row_id
                n += 1
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, data)
    manifest = Manifest(month=f"{month:%Y-%m}", rows=n, first_id=first, last_id=last, file=data.name,
                        file_sha256=_sha256_file(data), rows_sha256=rows_hash.hexdigest())
    tmp_manifest = manifest_path.with_suffix(".json.tmp")
    tmp_manifest.write_text(json.dumps(manifest.as_dict(), indent=1) + "\n")
    os.replace(tmp_manifest, manifest_path)
    return manifest


def read_manifest(path: Path) -> dict:
    try:
        manifest = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise ArchiveError(f"Kan ikke lese manifestet {path}: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise ArchiveError(f"{path} er ikke et arkiv av tilgangsloggen ({FORMAT}).")
    return manifest


def archive_lines(manifest_path: Path) -> Iterator[str]:
    """The archive's lines, after checking the compressed file against the manifest's SHA-256
    (and, once read, the lines against their own SHA-256 and count)."""
    manifest = read_manifest(manifest_path)
    data = Path(manifest_path).parent / manifest["file"]
    if not data.exists():
        raise ArchiveError(f"Arkivfilen {data} mangler.")
    if _sha256_file(data) != manifest["file_sha256"]:
        raise ArchiveError(f"Arkivfilen {data.name} har feil SHA-256: den er endret eller skadet.")
    rows_hash = hashlib.sha256()
    n = 0
    try:
        with gzip.open(data, "rt", encoding="utf-8") as fh:
            for raw in fh:
                line = raw.rstrip("\n")
                rows_hash.update(line.encode() + b"\n")
                n += 1
                yield line
    except (OSError, EOFError, ValueError) as exc:
        raise ArchiveError(f"Arkivfilen {data.name} kan ikke pakkes ut: {exc}") from exc
    if n != manifest["rows"] or rows_hash.hexdigest() != manifest["rows_sha256"]:
        raise ArchiveError(f"Arkivfilen {data.name} har {n} rader eller feil sjekksum; manifestet sier {manifest['rows']}.")


def verify(manifest_path: Path) -> int:
    """Prove the archive reads back identically: its checksums hold, and row by row it equals
    the month's entries in the database. Returns the number of rows; raises ArchiveError."""
    manifest = read_manifest(manifest_path)
    month = parse_month(manifest["month"])
    n = 0
    # the generator's server-side cursor is closed inside the transaction that opened it
    with transaction.atomic(), closing(_db_lines(month)) as db:
        for n, line in enumerate(archive_lines(manifest_path), start=1):
            try:
                current = next(db)
            except StopIteration:
                raise ArchiveError(f"Arkivet har flere rader enn databasen for {manifest['month']} (rad {n}).") from None
            if current != line:
                raise ArchiveError(f"Rad {n} i arkivet (id {json.loads(line).get('id')}) er ikke lik raden i databasen.")
        if next(db, None) is not None:
            raise ArchiveError(f"Databasen har flere rader for {manifest['month']} enn arkivet ({n}).")
    return n


def retention_limit(now: dt.datetime | None = None) -> dt.date:
    """The first month still inside the retention period: months before it may be dropped."""
    return add_months(month_start(now or clock.now()), -settings.AUDIT_RETENTION_MONTHS)


def drop_month(month: dt.date, manifest_path: Path, *, now: dt.datetime | None = None) -> None:
    """Drop the month's partition, only when it is past the retention period, the archive
    verifies against it, and (under a lock) it still holds exactly the archived rows."""
    if not is_partitioned():
        raise ArchiveError("Bare PostgreSQL deler tilgangsloggen i måneder; her slettes ingenting.")
    if month >= retention_limit(now):
        raise ArchiveError(f"{month:%Y-%m} er innenfor oppbevaringstiden ({settings.AUDIT_RETENTION_MONTHS} måneder);"
                           " måneden kan ikke slettes ennå.")
    name = partition_name(month)
    if name not in partitions():
        raise ArchiveError(f"Måneden {month:%Y-%m} har ingen egen partisjon (radene ligger i standardpartisjonen);"
                           " kjør audit_partitions først.")
    manifest = read_manifest(manifest_path)
    if manifest["month"] != f"{month:%Y-%m}":
        raise ArchiveError("Manifestet gjelder en annen måned.")
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"LOCK TABLE {name} IN ACCESS EXCLUSIVE MODE")
        verify(manifest_path)  # under the lock: nothing can be added between the proof and the drop
        cur.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {name}")
        cur.execute(f"DROP TABLE {name}")


def restore(manifest_path: Path) -> int:
    """Load an archived month back (into its own, empty partition on PostgreSQL), then prove it
    equals the archive. Refuses when the database already holds entries for that month."""
    manifest = read_manifest(manifest_path)
    month = parse_month(manifest["month"])
    lo, hi = bounds(month)
    for _ in archive_lines(manifest_path):  # checksums first, before anything is written
        pass
    with transaction.atomic():
        if is_partitioned():
            ensure_partition(month)
        if AuditEntry.objects.filter(at__gte=lo, at__lt=hi).exists():
            raise ArchiveError(f"Databasen har allerede innslag for {manifest['month']}; ingenting er lagt tilbake.")
        batch: list[AuditEntry] = []
        for line in archive_lines(manifest_path):
            row = json.loads(line)
            row["at"] = dt.datetime.fromisoformat(row["at"])
            batch.append(AuditEntry(**row))
            if len(batch) >= 2000:
                AuditEntry.objects.bulk_create(batch)
                batch = []
        if batch:
            AuditEntry.objects.bulk_create(batch)
        n = verify(manifest_path)
    return n
