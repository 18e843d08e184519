"""Measures: catalogue, offerings, place allocation, eligibility, referral, matching, outcomes."""
