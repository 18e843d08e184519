from django.urls import path

from skreddersy.insight.tailoring import views

urlpatterns = [
    path("skreddersom/", views.page, name="insight_tailoring"),
    path("skreddersom/tall.<str:fmt>", views.export, name="insight_tailoring_export"),
]
