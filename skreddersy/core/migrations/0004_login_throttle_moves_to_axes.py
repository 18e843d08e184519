# Failed logins are counted by django-axes now (decision 0017).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_alter_staffrole_role'),
    ]

    operations = [
        migrations.DeleteModel(
            name='LoginFailure',
        ),
    ]
