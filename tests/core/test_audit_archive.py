"""Archiving a month of the audit trail: the archive (gzip'd JSON lines + SHA-256 manifest) reads
back identically, a damaged or incomplete archive is caught, and a month is dropped only past the
retention period and only after the proof; on PostgreSQL the month's partition is dropped and
restored from the archive row for row."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from skreddersy.core import audit, auditstore, clock
from skreddersy.core.models import AuditEntry
from tests import factories as f

MONTH = dt.date(2020, 3, 1)
on_postgres = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="partitions are PostgreSQL's")


def _fill(month: dt.date, n: int = 40) -> list[int]:
    staff = [f.staff("counsellor").user for _ in range(2)]
    start = dt.datetime(month.year, month.month, 1, tzinfo=dt.UTC)
    try:
        for i in range(n):
            clock.freeze(start + dt.timedelta(hours=7 * i, microseconds=i))
            if i % 3 == 0:
                audit.record_reads(staff[i % 2], [100 + i, 200 + i, 300 + i], "oversikt", why="æøå «side»")
            else:
                audit.record(staff[i % 2], 100 + i, [audit.READ, audit.WRITE, audit.DENIED][i % 3], "personkort", why=f"{i}")
        clock.freeze(start - dt.timedelta(seconds=1))  # the month before: must not be archived
        audit.record(staff[0], 1, audit.READ, "personkort")
        clock.freeze(auditstore.bounds(month)[1])  # the first instant of the next month: neither
        audit.record(staff[0], 1, audit.READ, "personkort")
    finally:
        clock.freeze(None)
    lo, hi = auditstore.bounds(month)
    return list(AuditEntry.objects.filter(at__gte=lo, at__lt=hi).order_by("id").values_list("id", flat=True))


def _snapshot(month):
    lo, hi = auditstore.bounds(month)
    return [tuple(r) for r in AuditEntry.objects.filter(at__gte=lo, at__lt=hi).order_by("id").values_list(*auditstore.FIELDS)]


@pytest.mark.django_db
def test_archive_reads_back_identically(tmp_path):
    ids = _fill(MONTH)
    manifest = auditstore.export_month(MONTH, tmp_path)
    assert manifest.rows == len(ids) == 40 and (manifest.first_id, manifest.last_id) == (ids[0], ids[-1])
    _data, manifest_path = auditstore.archive_paths(tmp_path, MONTH)
    assert auditstore.verify(manifest_path) == 40
    lines = [json.loads(x) for x in auditstore.archive_lines(manifest_path)]
    assert [x["id"] for x in lines] == ids
    assert any(x["client_ids"] == [100, 200, 300] for x in lines) and any(x["why"] == "æøå «side»" for x in lines)


@pytest.mark.django_db
@pytest.mark.parametrize("damage", ["flip_byte", "edit_line", "drop_line", "manifest_rows"])
def test_a_damaged_archive_is_caught(tmp_path, damage):
    _fill(MONTH, 12)
    auditstore.export_month(MONTH, tmp_path)
    data, manifest_path = auditstore.archive_paths(tmp_path, MONTH)
    if damage == "flip_byte":
        raw = bytearray(data.read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        data.write_bytes(bytes(raw))
    else:
        lines = gzip.decompress(data.read_bytes()).decode().splitlines()
        if damage == "edit_line":
            row = json.loads(lines[4])
            row["why"] = "endret"
            lines[4] = json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        elif damage == "drop_line":
            del lines[5]
        m = json.loads(manifest_path.read_text())
        if damage == "manifest_rows":
            m["rows"] += 1
        else:  # a forger who also fixes every checksum and the count is still caught row by row
            body = ("\n".join(lines) + "\n").encode()
            data.write_bytes(gzip.compress(body))
            m["file_sha256"] = auditstore._sha256_file(data)
            m["rows_sha256"] = hashlib.sha256(body).hexdigest()
            m["rows"] = len(lines)
        manifest_path.write_text(json.dumps(m))
    with pytest.raises(auditstore.ArchiveError):
        auditstore.verify(manifest_path)


@pytest.mark.django_db
def test_an_archive_missing_a_newer_row_is_caught(tmp_path):
    _fill(MONTH, 6)
    auditstore.export_month(MONTH, tmp_path)
    clock.freeze(dt.datetime(2020, 3, 20, tzinfo=dt.UTC))
    try:
        audit.record(None, 5, audit.DENIED, "personkort")
    finally:
        clock.freeze(None)
    with pytest.raises(auditstore.ArchiveError, match="flere rader"):
        auditstore.verify(auditstore.archive_paths(tmp_path, MONTH)[1])


@pytest.mark.django_db
def test_sqlite_keeps_every_row(tmp_path):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's plain table")
    _fill(MONTH, 6)
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("audit_archive", "--month", "2020-03", "--out", str(tmp_path), "--drop")
    assert len(_snapshot(MONTH)) == 6


@on_postgres
@pytest.mark.django_db
def test_partition_export_drop_and_restore_round_trip(tmp_path):
    ids = _fill(MONTH)  # lands in the default partition: no partition for 2020-03 yet
    before = _snapshot(MONTH)
    name = auditstore.partition_name(MONTH)
    assert name not in auditstore.partitions()
    with pytest.raises(CommandError, match="egen partisjon"):
        call_command("audit_archive", "--month", "2020-03", "--out", str(tmp_path), "--drop")
    assert _snapshot(MONTH) == before
    assert auditstore.ensure_partition(MONTH)  # moves the month's rows out of the default partition
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {name}")
        assert cur.fetchone()[0] == len(ids)
    call_command("audit_archive", "--month", "2020-03", "--out", str(tmp_path), "--drop")
    assert name not in auditstore.partitions() and _snapshot(MONTH) == []
    assert AuditEntry.objects.filter(at__lt=auditstore.bounds(MONTH)[0]).exists()  # the month before stays
    call_command("audit_restore", str(auditstore.archive_paths(tmp_path, MONTH)[1]))
    assert name in auditstore.partitions()
    assert _snapshot(MONTH) == before
    for cid in (100, 200, 300):  # the GIN lookup works on the restored partition
        assert [e.pk for e in audit.entries_about(cid)] == [ids[0]]
    with pytest.raises(CommandError, match="allerede"):
        call_command("audit_restore", str(auditstore.archive_paths(tmp_path, MONTH)[1]))


@on_postgres
@pytest.mark.django_db
def test_a_month_inside_retention_or_with_a_bad_archive_is_not_dropped(tmp_path, settings):
    this_month = auditstore.month_start(clock.now())
    auditstore.ensure_upcoming(0)
    audit.record(None, 7, audit.DENIED, "personkort")
    with pytest.raises(CommandError, match="oppbevaringstiden"):
        call_command("audit_archive", "--month", f"{this_month:%Y-%m}", "--out", str(tmp_path), "--drop")
    assert auditstore.partition_name(this_month) in auditstore.partitions()

    _fill(MONTH, 9)
    auditstore.ensure_partition(MONTH)
    auditstore.export_month(MONTH, tmp_path)
    data, manifest_path = auditstore.archive_paths(tmp_path, MONTH)
    raw = bytearray(data.read_bytes())
    raw[-12] ^= 0x01
    data.write_bytes(bytes(raw))
    with pytest.raises(auditstore.ArchiveError):
        auditstore.drop_month(MONTH, manifest_path)
    assert auditstore.partition_name(MONTH) in auditstore.partitions() and len(_snapshot(MONTH)) == 9
    settings.AUDIT_RETENTION_MONTHS = 12 * 20  # 2020-03 is now inside retention
    auditstore.export_month(MONTH, tmp_path)
    with pytest.raises(auditstore.ArchiveError, match="oppbevaringstiden"):
        auditstore.drop_month(MONTH, manifest_path)


@on_postgres
@pytest.mark.django_db
def test_upcoming_partitions_are_made_once():
    made = auditstore.ensure_upcoming(5, now=dt.datetime(2031, 1, 15, tzinfo=dt.UTC))
    assert made == [f"core_auditentry_p2031{m:02d}" for m in range(1, 7)]
    assert auditstore.ensure_upcoming(5, now=dt.datetime(2031, 1, 15, tzinfo=dt.UTC)) == []
    clock.freeze(dt.datetime(2031, 2, 3, tzinfo=dt.UTC))
    try:
        audit.record(None, 3, audit.DENIED, "personkort")
    finally:
        clock.freeze(None)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM core_auditentry_p203102")
        assert cur.fetchone()[0] == 1
