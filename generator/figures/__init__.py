"""Checked tables in, computed figures out: the sector total (the whole table), aggregation by
appendix declaration (filters, sorting), per-unit figures and the units to remind, tie-out
against printed totals, validation reports.
"""
