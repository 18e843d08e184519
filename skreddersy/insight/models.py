"""Insight: item bank, surveys, waves, responses, analysis."""
