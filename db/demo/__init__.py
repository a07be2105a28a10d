"""Demo data: a fictitious but realistic CPAM office (CPAM de l'Isère)."""
