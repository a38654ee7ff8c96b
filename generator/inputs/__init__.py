"""Files in, checked tables out: charset and delimiter detection, cell reading (CSV/XLSX/XLS/ODS),
header aliases, per-person exports, loading a data folder.
"""
