"""Versions: building into output/<data>/vNNN, issuing, history, diff and page pictures of archived
versions.
"""
