from django.contrib import admin
from django.urls import include, path

from skreddersy.accounts import views as account_views
from skreddersy.accounts.accessibility import accessibility_statement
from skreddersy.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("tilgjengelighet/", accessibility_statement, name="accessibility_statement"),
    path("", include("skreddersy.accounts.urls")),
    path("", include("skreddersy.followup.urls")),
    path("tiltak/", include("skreddersy.measures.urls")),
    path("arbeid/", include("skreddersy.work.urls")),
    path("innsikt/", include("skreddersy.insight.urls")),
    path("arbeidsbelastning/", include("skreddersy.workload.urls")),
]
