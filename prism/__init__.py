"""Prism: the open-source product enablement hub."""

__version__ = "0.1.0"
