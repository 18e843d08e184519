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
    """Unapply everything (in reverse dependency order), check the app tables are gone, then
    migrate forward to the latest state again and check they are back."""
    from django.apps import apps

    ours = [a for a in APPS if _leaf(a)]
    own_tables = {m._meta.db_table for a in ours for m in apps.get_app_config(a).get_models() if m._meta.managed}
    assert own_tables <= _tables()
    try:
        # Zeroing core takes everything that depends on it (clients, followup, ...) with it.
        for app in reversed(ours):
            call_command("migrate", app, "zero", verbosity=0, interactive=False)
        assert not (own_tables & _tables()), own_tables & _tables()
    finally:
        call_command("migrate", verbosity=0, interactive=False)
    assert own_tables <= _tables()
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("app", ["clients", "followup", "measures", "insight"])
def test_each_app_round_trips_on_its_own(app):
    if _leaf(app) is None:
        pytest.fail(f"{app} has no migrations")  # never skip silently
    try:
        call_command("migrate", app, "zero", verbosity=0, interactive=False)
        call_command("migrate", app, verbosity=0, interactive=False)
    finally:
        call_command("migrate", verbosity=0, interactive=False)
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
