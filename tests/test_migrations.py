"""Migrations: none missing, and every app migrates from empty to latest and back to zero.
Runs on whichever database the suite runs on (SQLite and PostgreSQL in CI)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

APPS = ["core", "clients", "followup", "measures", "insight"]


@pytest.mark.django_db
def test_no_missing_migrations():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # --check exits non-zero when a model change has no migration
        pytest.fail(f"Model changes without a migration:\n{out.getvalue()}\n(exit {exc.code})")


def _leaf(app):
    executor = MigrationExecutor(connection)
    leaves = [key for key in executor.loader.graph.leaf_nodes() if key[0] == app]
    return leaves[0][1] if leaves else None


def _tables():
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


@pytest.mark.django_db(transaction=True)
def test_every_app_migrates_from_zero_to_latest_and_back():
    """App by app, newest dependant first, back to zero (its tables gone); then app by app from
    empty to latest (its tables back); finally nothing left to apply."""
    from django.apps import apps

    ours = [a for a in APPS if _leaf(a)]
    assert ours == APPS, f"apps without migrations: {set(APPS) - set(ours)}"
    tables = {a: {m._meta.db_table for m in apps.get_app_config(a).get_models() if m._meta.managed} for a in ours}
    assert set().union(*tables.values()) <= _tables()
    try:
        for app in reversed(ours):
            call_command("migrate", app, "zero", verbosity=0, interactive=False)
            assert not (tables[app] & _tables()), (app, tables[app] & _tables())
        for app in ours:
            call_command("migrate", app, verbosity=0, interactive=False)
            assert tables[app] <= _tables(), (app, tables[app] - _tables())
    finally:
        call_command("migrate", verbosity=0, interactive=False)
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
