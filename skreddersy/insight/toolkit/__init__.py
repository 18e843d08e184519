"""The analyst's toolkit: tests from summary statistics, the published-table checker, and a
wave's representativeness and weights. Pages under /innsikt/verktoy/, the same in the JSON API
(/api/v1/innsikt/verktoy/); every number comes from a results object of the analysis engine."""
