"""Declarations: the document kinds (``templates/<kind>/kind.toml``: tên loại, NĐ30 form,
template, metadata fields, output name), a data folder's metadata checked against its kind,
and appendix declarations (``phu-luc.toml``). A new kind is a folder, not code.
"""
