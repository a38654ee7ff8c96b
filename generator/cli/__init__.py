"""The vanban command: thin click commands, one place mapping errors to exit codes."""
