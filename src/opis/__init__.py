"""opis: an archive workbench for historical primary sources."""

__version__ = "0.1.0"
