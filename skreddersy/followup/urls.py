from django.urls import path

from skreddersy.followup import views

urlpatterns = [
    # Nav staff: the workbench
    path("oversikt/", views.overview_page, name="overview"),
    path("bruker/<int:client_id>/", views.person_page, name="person"),
    path("bruker/<int:client_id>/journal/", views.person_journal, name="person_journal"),
    path("bruker/<int:client_id>/vedtak/nytt/", views.decision_new, name="decision_new"),
    path("bruker/<int:client_id>/arbeidsevnevurdering/ny/", views.assessment_new, name="assessment_new"),
    path("bruker/<int:client_id>/kartlegging/", views.mapping_edit, name="mapping_edit"),
    path("bruker/<int:client_id>/aktivitet/ny/", views.activity_new, name="activity_new"),
    path("bruker/<int:client_id>/samtalereferat/ny/", views.contact_new, name="contact_new"),
    path("bruker/<int:client_id>/dialog/ny/", views.thread_new, name="thread_new"),
    path("bruker/<int:client_id>/eksport/", views.export_case, name="export_case"),
    path("vedtak/<int:decision_id>/", views.decision_detail, name="decision_detail"),
    path("vedtak/<int:decision_id>/<str:action>/", views.decision_action, name="decision_action"),
    path("beslutter/", views.approval_queue, name="approval_queue"),
    path("aktivitet/<int:activity_id>/endre/", views.activity_edit, name="activity_edit"),
    path("dialog/<int:thread_id>/svar/", views.thread_reply, name="thread_reply"),
    path("dialog/<int:thread_id>/ikke-svar/", views.thread_no_reply, name="thread_no_reply"),
    path("melding/<int:message_id>/ruting/", views.message_route, name="message_route"),
    path("oppgave/<int:task_id>/utfort/", views.task_done, name="task_done"),
    path("oppgave/<int:task_id>/angre/", views.task_undo, name="task_undo"),
    path("oppgave/<int:task_id>/overfor/", views.task_reassign, name="task_reassign"),
    path("oppgaver/", views.task_inbox, name="task_inbox"),
    path("oppgaver/ny/", views.task_new, name="task_new"),
    path("bruker/<int:client_id>/huskelapp/", views.reminder_edit, name="reminder_edit"),
    path("oversikt/filter/", views.saved_filter_new, name="saved_filter_new"),
    path("oversikt/filter/<int:filter_id>/slett/", views.saved_filter_delete, name="saved_filter_delete"),
    path("oversikt/kolonner/", views.overview_columns, name="overview_columns"),
    path("oversikt/kategori/", views.category_bulk, name="category_bulk"),
    # Clients: Min side
    path("min-side/logg-inn/", views.ClientLoginView.as_view(), name="client_login"),
    path("min-side/", views.client_home, name="client_home"),
    path("min-side/aktivitet/ny/", views.client_activity_new, name="client_activity_new"),
    path("min-side/aktivitet/<int:activity_id>/godta/", views.client_activity_approve, name="client_activity_approve"),
    path("min-side/kartlegging/", views.client_mapping, name="client_mapping"),
    path("min-side/skriv/", views.client_message_new, name="client_message_new"),
    path("min-side/dialog/<int:thread_id>/svar/", views.client_thread_reply, name="client_thread_reply"),
]
