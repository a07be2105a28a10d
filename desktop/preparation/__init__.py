"""Préparations: the preparation tasks, the form of one preparation, the day sheet."""
