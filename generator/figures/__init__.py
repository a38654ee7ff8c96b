"""Checked tables in, computed figures out: aggregation by appendix declaration, tie-out against
printed totals, validation reports.
"""
