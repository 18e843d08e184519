"""The filter block folds to one line once used, and that line says which filters are in use (also
after an htmx change of the filters, through an out-of-band swap)."""

import re

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def _summary(html: str) -> str:
    m = re.search(r'<span id="filter-summary"[^>]*>(.*?)</span>', html, re.S)
    return re.sub(r"\s+", " ", m.group(1)).strip() if m else ""


def test_the_folded_filter_line_names_the_filters_in_use():
    office = f.office(f.county("46"))
    me = f.staff("counsellor", offices=[office])
    f.client(office, me)
    http = HttpClient()
    http.force_login(me.user)
    url = reverse("overview")
    html = http.get(url).content.decode()
    assert '<details class="app-filters app-filter-details" open>' in html and _summary(html) == ""
    html = http.get(
        url, {"need_group": "STANDARD_INNSATS", "interpreter": "on", "municipality": "Bergen"}
    ).content.decode()
    assert '<details class="app-filters app-filter-details">' in html  # folded
    assert _summary(html) == "· Innsatsgruppe: Standard innsats · Trenger tolk · Kommune: Bergen"
    partial = http.get(url, {"need_group": "none"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="filter-summary" class="app-filter-summary__used" hx-swap-oob="true"' in partial
    assert _summary(partial) == "· Innsatsgruppe: Uten vedtak"
