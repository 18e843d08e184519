from django.urls import path

from skreddersy.insight.tailoring import views

urlpatterns = [
    path("skreddersom/", views.page, name="insight_tailoring"),
    path("skreddersom/tall.<str:fmt>", views.export, name="insight_tailoring_export"),
    path("skreddersom/undersokelse/<int:wave_id>/", views.beside_survey, name="insight_tailoring_beside"),
]
