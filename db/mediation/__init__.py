"""Mediation case files: intake, lifecycle, timeline, documents, letters and figures."""
