"""The 404 and 500 pages are the product's own (Aksel look, bokmål), and the 500 page renders
with nothing that could fail the way the request did (no database, no request, no URL lookups)."""

import pytest
from django.template import loader
from django.test import Client


@pytest.mark.django_db
def test_an_unknown_address_gets_the_products_404_page(client):
    resp = client.get("/finnes-ikke/")
    assert resp.status_code == 404
    html = resp.content.decode()
    assert "Fant ikke siden" in html
    assert "aksel-ds-css" in html and 'href="/"' in html  # base.html: the product's look and a way home


@pytest.mark.django_db
@pytest.mark.urls("tests.core.urls_server_error")
def test_a_bug_gets_the_products_500_page_without_the_details():
    client = Client(raise_request_exception=False)
    resp = client.get("/test-feil/")
    assert resp.status_code == 500
    html = resp.content.decode()
    assert "Noe gikk galt hos oss" in html and "aksel-ds-css" in html
    assert "RuntimeError" not in html and "a bug in a view" not in html


def test_the_500_page_renders_with_an_empty_context_and_no_database():
    # No django_db mark: any database access here fails the test.
    html = loader.get_template("500.html").render()
    assert "Noe gikk galt hos oss" in html
    assert 'href="/"' in html
