"""The people registry: insured persons, health professionals and employers."""
