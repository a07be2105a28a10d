"""The organisation: sites, staff accounts, roles and what each role may do."""
