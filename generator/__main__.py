"""``python -m generator`` does what the ``vanban`` command does."""

from .cli import main

main()
