from django.urls import path

from skreddersy.insight.toolkit import views

urlpatterns = [
    path("verktoy/tester/", views.calculator, name="insight_toolkit_calculator"),
    path("verktoy/kontroll/", views.checker, name="insight_toolkit_checker"),
    path("runde/<int:wave_id>/representativitet/", views.representativeness, name="insight_toolkit_representativeness"),
    path("runde/<int:wave_id>/representativitet.<str:fmt>", views.representativeness_export,
         name="insight_toolkit_representativeness_export"),
    path("runde/<int:wave_id>/vekter.<str:fmt>", views.weights_export, name="insight_toolkit_weights_export"),
]
