"""The people registry screens: search list and person record."""
