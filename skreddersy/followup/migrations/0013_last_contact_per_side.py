"""The clients' newest contact per side of the office, from the contacts already written (issue 17):
``last_contact_at`` from the joint follow-up's messages from Nav and state notes,
``last_municipal_contact_at`` from every message from Nav and municipal notes
(``clients.contact.columns_for``). Before, one column took every contact, so a municipal note moved
the state side's "days since contact"."""

from django.db import migrations

def _newest(message_categories, note_category):
    return (
        "(SELECT MAX(x.at) FROM ("
        " SELECT m.sent_at AS at FROM followup_message m JOIN followup_thread t ON t.id = m.thread_id"
        f" WHERE t.client_id = clients_client.id AND m.from_client = %s AND m.category IN ({', '.join(['%s'] * len(message_categories))})"
        " UNION ALL"
        " SELECT n.held_at AS at FROM followup_meetingnote n WHERE n.client_id = clients_client.id AND n.category = %s"
        ") x)"
    ), [False, *message_categories, note_category]


def forwards(apps, schema_editor):
    state, state_params = _newest(("followup",), "state_notes")
    municipal, municipal_params = _newest(("followup", "municipal_notes"), "municipal_notes")
    schema_editor.execute(
        f"UPDATE clients_client SET last_contact_at = {state}, last_municipal_contact_at = {municipal}",
        [*state_params, *municipal_params],
    )


class Migration(migrations.Migration):

    dependencies = [
        ("clients", "0009_client_last_municipal_contact"),
        ("followup", "0012_message_category"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
