# Failed logins are counted by django-axes now (decision 0017).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_audit_client_index_once'),
    ]

    operations = [
        migrations.DeleteModel(
            name='LoginFailure',
        ),
    ]
