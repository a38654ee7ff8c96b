"""Checked tables in, computed figures out: the sector total (the whole table), aggregation by
appendix declaration (filters, sorting), tie-out against printed totals, validation reports.
"""
