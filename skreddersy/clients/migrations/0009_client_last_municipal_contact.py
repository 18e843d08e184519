"""``Client.last_municipal_contact_at``: the newest contact the municipal side of the office sees by
its own right (issue 17; the state side's stays ``last_contact_at``). Filled from the contacts
already written by followup.0013."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("clients", "0008_client_kvp"),
    ]

    operations = [
        migrations.AddField(
            model_name="client",
            name="last_municipal_contact_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="siste kontakt (kommunal)"),
        ),
    ]
