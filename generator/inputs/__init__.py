"""Files in, checked tables out: file guard (limits, zip bombs, XML entities), charset and
delimiter detection, cell reading (CSV/XLSX/XLSM/XLS/ODS), header aliases and header blocks,
workbooks of printed appendices, per-person exports, collect's result, loading a data folder
(its kind from its metadata), a new folder for a kind (``vanban new``), synthetic data.
"""
