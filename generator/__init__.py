"""vanban: official documents of a Sở GDĐT, built from one table of figures."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("vanban")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"
