from django.urls import path

from skreddersy.accounts import views

urlpatterns = [
    path("", views.home, name="home"),
    path("logg-inn/", views.LoginView.as_view(), name="login"),
    path("logg-ut/", views.logout_view, name="logout"),
    path("tilgangslogg/", views.audit_log, name="audit_log"),
    path("tilganger/", views.grants, name="grants"),
    path("tilganger/<int:grant_id>/<str:action>/", views.grant_decide, name="grant_decide"),
    path("tilganger/passord/<int:user_id>/", views.password_reset, name="password_reset"),
    path("min-side/innsyn/", views.own_access_log, name="own_access_log"),
    path("helse/", views.health, name="health"),
]
