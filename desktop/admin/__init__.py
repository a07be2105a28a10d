"""The Administration area: sites and their hours, motives, advisers' availability and
absences. Administrators edit everything; managers plan hours, closures, availability and
absences, and read the rest."""
