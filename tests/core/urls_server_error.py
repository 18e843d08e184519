"""A URLconf for tests/core/test_error_pages.py: the product's URLs plus one that fails."""

from django.urls import path

from skreddersy.urls import urlpatterns as product_urls


def fail(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("test-feil/", fail), *product_urls]
