"""Two indexes fewer on the outbox, each one more write on the path of every message a counsellor
sends (``notify``): the client's own index (``notification_client`` (client, -due_at) serves every
lookup by client) and, on PostgreSQL, the LIKE index ``unique=True`` adds beside the idempotency
key's unique index (nothing searches a random key by prefix; the key stays unique by a constraint).

The client's index is dropped by name: Django's AlterField to ``db_index=False`` drops every plain
index on the column it finds on PostgreSQL, the partial unique index that ``notify``'s ON CONFLICT
names (one_collecting_notification_per_client) included."""

import django.db.models.deletion
from django.db import migrations, models

import skreddersy.notifications.models

CLIENT_INDEX = "notifications_notification_client_id_3cea6756"


class Migration(migrations.Migration):

    dependencies = [
        ("clients", "0010_client_notes_shared"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="notification",
                    name="client",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                            related_name="notifications", to="clients.client"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {CLIENT_INDEX}",
                    reverse_sql=f"CREATE INDEX {CLIENT_INDEX} ON notifications_notification (client_id)",
                ),
            ],
        ),
        migrations.AlterField(
            model_name="notification",
            name="idempotency_key",
            field=models.CharField(default=skreddersy.notifications.models.new_idempotency_key, max_length=64),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.UniqueConstraint(fields=("idempotency_key",), name="notification_idempotency_key_unique"),
        ),
    ]
