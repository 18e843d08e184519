from django.urls import path

from skreddersy.insight.calibration import views

urlpatterns = [
    path("kalibrering/", views.home, name="insight_calibration_home"),
    path("kalibrering/ny/", views.new_round, name="insight_calibration_new"),
    path("kalibrering/kvittering/", views.receipt, name="insight_calibration_receipt"),
    path("kalibrering/<int:round_id>/", views.results, name="insight_calibration_results"),
    path("kalibrering/<int:round_id>/svar/", views.answer, name="insight_calibration_answer"),
    path("kalibrering/<int:round_id>/steng/", views.close, name="insight_calibration_close"),
    path("kalibrering/<int:round_id>/resultater.<str:fmt>", views.results_export, name="insight_calibration_export"),
]
