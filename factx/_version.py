"""factx's version, in a module of its own so the package's modules can read it without
importing the package's ``__init__`` (which imports the whole public API)."""

__version__ = "0.1.0"
