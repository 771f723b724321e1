"""The phy applications and their command line (``phy``)."""

from .cli import phycli  # noqa: F401
