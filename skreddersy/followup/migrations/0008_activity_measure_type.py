# An activity that is a measure names its measure type (tiltakstype), for the overview's filter (issue 13).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    # After the partial index on requirements (0008_activity_client_requirement), not beside it: on
    # SQLite this AddField remakes the activity table, and two parallel branches let Django unapply
    # this remake (from a state without that index) before the index's own removal.
    dependencies = [
        ('followup', '0007_decision_returned_at_by'),
        ('followup', '0008_activity_client_requirement'),
        ('measures', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='activity',
            name='measure_type',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='activities', to='measures.measuretype', verbose_name='tiltakstype'),
        ),
        migrations.AddConstraint(
            model_name='activity',
            constraint=models.CheckConstraint(condition=models.Q(('measure_type__isnull', True), ('type', 'measure'), _connector='OR'), name='activity_measure_type_only_for_measures'),
        ),
    ]
