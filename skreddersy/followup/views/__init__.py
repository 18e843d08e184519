"""Pages for counsellors (the workbench) and for clients (Min side), one module per URL section.
Thin: parse a form, call one selector (to show) or one service (to act), render."""

from skreddersy.followup.views.caseloads import (
    assign_bulk,
    client_edit,
    client_transfer,
    counsellor_overview,
    cover_end,
    cover_new,
    handout_queue,
    pending_resolve,
    register_client,
    rule_delete,
    rules_page,
)
from skreddersy.followup.views.decisions import assessment_new, decision_action, decision_detail, decision_new
from skreddersy.followup.views.dialogue import contact_new, message_route, thread_new, thread_no_reply, thread_reply
from skreddersy.followup.views.kept_informed import (
    client_activity_disagree,
    client_notice_respond,
    client_ratings,
    rating_aggregates,
)
from skreddersy.followup.views.language import (
    decision_letter,
    decision_letter_pdf,
    language_need_done,
    plain_language_check,
)
from skreddersy.followup.views.meetings import meeting_cancel, meeting_detail, meeting_new, meeting_week, meetings_today
from skreddersy.followup.views.minside import (
    ClientLoginView,
    client_activity_approve,
    client_activity_new,
    client_home,
    client_mapping,
    client_message_new,
    client_thread_reply,
)
from skreddersy.followup.views.notices import notice_letter, requirement_page
from skreddersy.followup.views.notify import (
    client_notification_preferences,
    notification_letter,
    notification_preferences,
)
from skreddersy.followup.views.overview import (
    approval_queue,
    category_bulk,
    overview_columns,
    overview_page,
    saved_filter_delete,
    saved_filter_new,
)
from skreddersy.followup.views.periods import person_periods
from skreddersy.followup.views.person import (
    export_case,
    person_activities,
    person_journal,
    person_notes,
    person_page,
    person_threads,
    thread_older,
)
from skreddersy.followup.views.plan import activity_edit, activity_new, mapping_edit
from skreddersy.followup.views.sharing import client_sharing, person_sharing
from skreddersy.followup.views.tasks import reminder_edit, task_done, task_inbox, task_new, task_reassign, task_undo

__all__ = [
    "ClientLoginView", "client_notification_preferences", "notification_letter", "notification_preferences", "activity_edit", "activity_new", "approval_queue", "assessment_new", "client_activity_approve",
    "client_activity_new", "client_home", "client_mapping", "client_message_new", "client_thread_reply", "contact_new",
    "decision_action", "decision_detail", "decision_new", "export_case", "mapping_edit", "message_route",
    "person_activities", "person_notes", "person_threads", "thread_older",
    "overview_page", "person_journal", "person_page", "task_done", "thread_new", "thread_no_reply", "thread_reply",
    "category_bulk", "overview_columns", "reminder_edit", "saved_filter_delete", "saved_filter_new", "task_inbox",
    "task_new", "task_reassign", "task_undo", "client_sharing", "person_sharing",
    "assign_bulk", "client_edit", "client_transfer", "counsellor_overview", "cover_end", "cover_new", "handout_queue",
    "pending_resolve", "register_client", "rule_delete", "rules_page",
    # issue 17
    "client_activity_disagree", "client_notice_respond", "client_ratings", "rating_aggregates", "meeting_cancel",
    "meeting_detail", "meeting_new", "meeting_week", "meetings_today", "notice_letter", "requirement_page",
    "person_periods",
    # issue 19
    "decision_letter", "decision_letter_pdf", "plain_language_check", "language_need_done",
]
