"""Per-unit report forms out, returned forms in, the consolidated report.

In: the per-person table (``forms``), the returned files in ``nhan-ve/`` (``collect``).
Out: ``mau-bao-cao/`` to send, ``luu-tai-so/`` kept by the Sở, and ``collect``'s result
(:class:`generator.forms.collect.Collected`) with the consolidated .xlsx and .docx.
"""
