"""``python -m generator`` does what the ``vanban`` command does."""

from .cli.main import main

main()
