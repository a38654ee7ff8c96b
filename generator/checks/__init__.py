"""Any .docx in, a list of NĐ30 format problems out."""
