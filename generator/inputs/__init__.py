"""Files in, checked tables out: file guard (limits, zip bombs, XML entities), charset and
delimiter detection, cell reading (CSV/XLSX/XLSM/XLS/ODS), header aliases and header blocks,
workbooks of printed appendices, per-person exports, loading a data folder.
"""
