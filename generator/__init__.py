"""vanban: official documents of a Sở GDĐT, built from one table of figures."""

__version__ = "0.1.0"  # the package's version: pyproject.toml reads it from here
