"""Files in, checked tables out: charset and delimiter detection, cell reading (CSV/XLSX/XLS/ODS),
header aliases, per-person exports, collect's result, loading a data folder (its kind
from its metadata), a new folder for a kind (``vanban new``), synthetic data.
"""
