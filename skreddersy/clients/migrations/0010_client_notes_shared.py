"""``Client.notes_shared``: whether the client has (or had) a consent to share one side's notes with
the other side (decision 0047), kept by the database like ``Client.kvp`` (decision 0046).

A trigger on ``clients_sharingconsent`` sets it when a consent naming state or municipal notes is
written or moved to a client, whatever writes it, in the writer's own transaction. It is never
cleared: a client whose consent was withdrawn only takes the slower path. The reader's last contact
(``followup.lastcontact``) reads the consents only for marked clients."""

from django.db import migrations, models

CATEGORIES = "('state_notes', 'municipal_notes')"
SQLITE = [
    "CREATE TRIGGER clients_sharingconsent_marks_client AFTER INSERT ON clients_sharingconsent "
    f"WHEN NEW.category IN {CATEGORIES} "
    "BEGIN UPDATE clients_client SET notes_shared = 1 WHERE id = NEW.client_id; END",
    "CREATE TRIGGER clients_sharingconsent_marks_moved_client AFTER UPDATE OF client_id, category ON clients_sharingconsent "
    f"WHEN NEW.category IN {CATEGORIES} "
    "BEGIN UPDATE clients_client SET notes_shared = 1 WHERE id = NEW.client_id; END",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS clients_sharingconsent_marks_client",
               "DROP TRIGGER IF EXISTS clients_sharingconsent_marks_moved_client"]
POSTGRESQL = [
    "CREATE FUNCTION clients_sharingconsent_marks_client() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN UPDATE clients_client SET notes_shared = TRUE WHERE id = NEW.client_id AND NOT notes_shared; RETURN NULL; END $$",
    "CREATE TRIGGER clients_sharingconsent_marks_client AFTER INSERT OR UPDATE OF client_id, category "
    f"ON clients_sharingconsent FOR EACH ROW WHEN (NEW.category IN {CATEGORIES}) "
    "EXECUTE FUNCTION clients_sharingconsent_marks_client()",
]
POSTGRESQL_DROP = ["DROP TRIGGER IF EXISTS clients_sharingconsent_marks_client ON clients_sharingconsent",
                   "DROP FUNCTION IF EXISTS clients_sharingconsent_marks_client()"]


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql)


def add_column(apps, schema_editor):
    false = "0" if schema_editor.connection.vendor == "sqlite" else "false"
    schema_editor.execute(f"ALTER TABLE clients_client ADD COLUMN notes_shared boolean NOT NULL DEFAULT {false}")


def drop_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE clients_client DROP COLUMN notes_shared")


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise RuntimeError(f"clients.0010: no trigger for the {vendor} database")
    _run(schema_editor, SQLITE if vendor == "sqlite" else POSTGRESQL)
    schema_editor.execute(
        "UPDATE clients_client SET notes_shared = %s WHERE id IN "
        f"(SELECT client_id FROM clients_sharingconsent WHERE category IN {CATEGORIES})", [True])


def backwards(apps, schema_editor):
    _run(schema_editor, SQLITE_DROP if schema_editor.connection.vendor == "sqlite" else POSTGRESQL_DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("clients", "0009_client_last_municipal_contact"),
    ]

    operations = [
        # a plain ADD COLUMN: Django's SQLite AddField with a db_default rebuilds the table, which
        # SQLite refuses while the KVP mark's triggers (clients.0008) name it
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_column, drop_column)],
            state_operations=[
                migrations.AddField(
                    model_name="client",
                    name="notes_shared",
                    field=models.BooleanField(db_default=False, default=False, editable=False,
                                              verbose_name="har samtykket til deling av notater"),
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
