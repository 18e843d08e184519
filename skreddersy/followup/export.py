"""The whole case record as one printable HTML document (for an appeal or a lawyer).

The selector (selectors.case_record) checks access and audits the export; this module only renders.
The document is self-contained (inline print CSS, no scripts) so it can be saved, e-mailed or
printed to PDF from the browser.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from skreddersy.core import reference
from skreddersy.followup.selectors import CaseRecord


def render_case_record(request, record: CaseRecord) -> str:
    names = reference.needs_domains()
    for m in record.mappings:
        for e in m.entries.all():  # prefetched: the names stick to the cached objects
            e.name = names.get(e.domain, e.domain)
    return render_to_string("followup/export.html", {
        "r": record, "client": record.client, "domains": reference.needs_domains(),
        "scale": reference.severity_scale(),
    }, request=request)
