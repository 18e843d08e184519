"""Calibration lab (issue 15): rounds of invented case vignettes that counsellors answer
independently; agreement (Fleiss' kappa, Krippendorff's alpha) per round and office, spread per
vignette, agreement with the reference answer. Answers are anonymous as survey answers are."""
