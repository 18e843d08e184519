from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="workload_home"),
    path("min/", views.own, name="workload_own"),
    path("tidsbruk/", views.time_use, name="workload_time_use"),
    path("kontor/<int:office_id>/", views.office, name="workload_office"),
    path("kontor/<int:office_id>/poeng/", views.points, name="workload_points"),
    path("kontor/<int:office_id>/estimer/", views.estimate, name="workload_estimate"),
    path("kontor/<int:office_id>/arbeidstid/", views.terms, name="workload_terms"),
    path("kontor/<int:office_id>/planlegg/", views.plan, name="workload_plan"),
    path("undersokelse/<int:wave_id>/", views.survey, name="workload_survey"),
]
