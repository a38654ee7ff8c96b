"""Per-unit report forms out, returned forms in, the consolidated report."""
