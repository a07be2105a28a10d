"""Tests of the reusable widgets (no database)."""
