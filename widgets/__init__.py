"""Reusable Qt widgets with no domain knowledge."""
