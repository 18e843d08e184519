# Anonymous survey answers: random tokens stored only as a hash; sealed pending answers.

import hashlib
import secrets

import django.db.models.deletion
import skreddersy.insight.models
from django.db import migrations, models


def forget_derived_tokens(apps, schema_editor):
    """Tokens were derived from the nonce and the secret key; give every invitation the hash of
    a fresh random token nobody holds (the invited person asks for a new one on their page)."""
    Invitation = apps.get_model("insight", "Invitation")
    for pk in Invitation.objects.values_list("pk", flat=True).iterator():
        digest = hashlib.sha256(secrets.token_urlsafe(32).encode()).hexdigest()
        Invitation.objects.filter(pk=pk).update(token_hash=digest)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_audit_client_index_once'),
        ('insight', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(forget_derived_tokens, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='invitation',
            name='nonce',
        ),
        migrations.CreateModel(
            name='PendingResponse',
            fields=[
                ('id', skreddersy.insight.models.RandomKeyField(default=skreddersy.insight.models.random_key, editable=False, primary_key=True, serialize=False)),
                ('received_on', models.DateField()),
                ('answers', models.JSONField(default=dict)),
                ('background', models.JSONField(default=dict)),
                ('office', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.office')),
                ('wave', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='insight.wave')),
            ],
            options={
                'indexes': [models.Index(fields=['wave', 'office'], name='pending_wave_office')],
            },
        ),
    ]
