"""Checked tables in, computed figures out: aggregation by appendix declaration, tie-out against
printed totals, validation reports, the sector total and per-unit figures (units to remind).
"""
