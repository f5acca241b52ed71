"""Weerbaar: integrale, proactieve en preventieve aanpak van ondermijning."""

__version__ = "0.1.0"
API_VERSION = "1.0.0"
