from django.urls import path

from skreddersy.measures import views

urlpatterns = [
    path("", views.catalogue, name="measure_catalogue"),
    path("tilbud/<int:offering_id>/", views.offering_detail, name="measure_offering"),
    path("sammenlign/", views.compare, name="measure_compare"),
    path("matching/<int:client_id>/", views.matching_panel, name="matching_panel"),
    path("matching/<int:client_id>/velg/", views.matching_choose, name="matching_choose"),
    path("onsker/<int:client_id>/", views.preferences, name="measure_preferences"),
    path("henvisning/<int:referral_id>/<str:action>/", views.referral_action, name="referral_action"),
    path("tildeling/", views.allocation, name="measure_allocation"),
    path("tildeling/nasjonalt/", views.allocation_national, name="measure_allocation_national"),
    path("resultater/", views.outcomes, name="measure_outcomes"),
]
