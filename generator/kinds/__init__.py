"""Declarations: which templates exist, the document's metadata (thong-bao.toml) and appendix
declarations (phu-luc.toml).
"""
