"""``Client.kvp``: whether the client has (or had) a KVP period, kept by the database (docs/decisions/0046).

A trigger on ``clients_kvpperiod`` sets it when a period is written or moved to a client, whatever
writes it (the services, a seed's bulk insert, an import, SQL by hand), in the writer's own
transaction. It is never cleared: a client whose period was deleted only takes the slower path.
Clients with periods already are marked here."""

from django.db import migrations, models

SQLITE = [
    "CREATE TRIGGER clients_kvpperiod_marks_client AFTER INSERT ON clients_kvpperiod "
    "BEGIN UPDATE clients_client SET kvp = 1 WHERE id = NEW.client_id; END",
    "CREATE TRIGGER clients_kvpperiod_marks_moved_client AFTER UPDATE OF client_id ON clients_kvpperiod "
    "BEGIN UPDATE clients_client SET kvp = 1 WHERE id = NEW.client_id; END",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS clients_kvpperiod_marks_client",
               "DROP TRIGGER IF EXISTS clients_kvpperiod_marks_moved_client"]
POSTGRESQL = [
    "CREATE FUNCTION clients_kvpperiod_marks_client() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN UPDATE clients_client SET kvp = TRUE WHERE id = NEW.client_id AND NOT kvp; RETURN NULL; END $$",
    "CREATE TRIGGER clients_kvpperiod_marks_client AFTER INSERT OR UPDATE OF client_id ON clients_kvpperiod "
    "FOR EACH ROW EXECUTE FUNCTION clients_kvpperiod_marks_client()",
]
POSTGRESQL_DROP = ["DROP TRIGGER IF EXISTS clients_kvpperiod_marks_client ON clients_kvpperiod",
                   "DROP FUNCTION IF EXISTS clients_kvpperiod_marks_client()"]


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise RuntimeError(f"clients.0008: no trigger for the {vendor} database")
    _run(schema_editor, SQLITE if vendor == "sqlite" else POSTGRESQL)
    schema_editor.execute("UPDATE clients_client SET kvp = %s WHERE id IN (SELECT client_id FROM clients_kvpperiod)",
                          [True])


def backwards(apps, schema_editor):
    _run(schema_editor, SQLITE_DROP if schema_editor.connection.vendor == "sqlite" else POSTGRESQL_DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("clients", "0007_merge_periods_and_written_standard"),
    ]

    operations = [
        migrations.AddField(
            model_name="client",
            name="kvp",
            field=models.BooleanField(db_default=False, default=False, editable=False, verbose_name="har hatt KVP"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
