"""The single source of the library's version (read by pyproject.toml and __init__)."""

__version__ = "0.1.0"
