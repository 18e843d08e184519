from django.urls import include, path

from skreddersy.insight import views

urlpatterns = [
    path("", views.home, name="insight_home"),
    path("svar/", views.answer, name="insight_answer"),
    path("svar/start/<int:wave_id>/", views.answer_start, name="insight_answer_start"),
    path("svar/<str:token>/", views.answer_link, name="insight_answer_link"),
    path("takk/", views.thanks, name="insight_thanks"),
    path("pastander/", views.item_bank, name="insight_item_bank"),
    path("pastander/<slug:key>/", views.item_edit, name="insight_item_edit"),
    path("undersokelse/ny/", views.survey_new, name="insight_survey_new"),
    path("undersokelse/<int:survey_id>/ny-runde/", views.wave_new, name="insight_wave_new"),
    path("runde/<int:wave_id>/", views.wave_report, name="insight_wave"),
    path("runde/<int:wave_id>/rapport.pdf", views.wave_pdf, name="insight_wave_pdf"),
    path("runde/<int:wave_id>/data.<str:fmt>", views.wave_export, name="insight_wave_export"),
    path("runde/<int:wave_id>/resultater.<str:fmt>", views.results_export, name="insight_results_export"),
    path("runde/<int:wave_id>/respondenter/", views.respondents, name="insight_respondents"),
    path("runde/<int:wave_id>/import/", views.wave_import, name="insight_wave_import"),
    path("runde/<int:wave_id>/steng/", views.wave_close, name="insight_wave_close"),
    path("replikasjon/terum-sadeghi-2021/", views.replication_page, name="insight_replication"),
    path("replikasjon/terum-sadeghi-2021/korrigert/", views.replication_corrected, name="insight_replication_corrected"),
    path("", include("skreddersy.insight.toolkit.urls")),
    path("", include("skreddersy.insight.tailoring.urls")),
    path("", include("skreddersy.insight.calibration.urls")),
]
