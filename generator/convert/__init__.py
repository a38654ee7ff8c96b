"""A .docx in, a PDF out: LibreOffice batches with private profiles."""
