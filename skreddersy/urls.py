from django.contrib import admin
from django.urls import include, path

from skreddersy.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("skreddersy.accounts.urls")),
    path("", include("skreddersy.followup.urls")),
    path("tiltak/", include("skreddersy.measures.urls")),
    path("arbeid/", include("skreddersy.work.urls")),
    path("innsikt/", include("skreddersy.insight.urls")),
    path("arbeidsbelastning/", include("skreddersy.workload.urls")),
]
