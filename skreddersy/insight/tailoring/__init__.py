"""Tailoring measured from what counsellors do (issue 15): indicators from operational data.

``text`` (near-copy wording), ``engine`` (definitions, aggregation, suppression; pure, no
database), ``services`` (the monthly refresh that writes ``TailoringFigure``), ``selectors``
(what a user may see, audited), ``views`` and ``api`` (thin)."""
