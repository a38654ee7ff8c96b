"""The web page (``vanban web``): periods, data, build, compare, issue, forms, accounts.

In: the same data and output folders as the CLI, and the output root's SQLite database
(accounts, sessions, audit log). Out: HTML pages (Jinja, htmx vendored in ``static/``) that call
the library's public functions; nothing here computes a figure or writes a document itself.
"""
