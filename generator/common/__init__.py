"""Shared by every stage: errors and exit codes, safe file writing, TOML reading, Vietnamese number
and date formatting, file names from data, the .xlsx/.csv writer, staging folders.
"""
