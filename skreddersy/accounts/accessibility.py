"""The accessibility statement (tilgjengelighetserklæring), public: no login, no personal data.

Public bodies must publish one for their web solutions (forskrift om universell utforming av IKT,
§ 8, with the EU web accessibility directive), in the structure the Norwegian supervisory body
(Uu-tilsynet, uutilsynet.no) sets. Its findings come from the manual check recorded in
docs/accessibility/ and from the axe test of every page (tests/browser/test_axe_every_page.py)."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.views.decorators.http import require_GET

# When the statement was written and last reviewed (after the manual check of December 2026).
CREATED = dt.date(2026, 12, 1)
REVIEWED = dt.date(2026, 12, 1)


@require_GET
def accessibility_statement(request):
    return render(request, "core/accessibility_statement.html", {"created": CREATED, "reviewed": REVIEWED})
