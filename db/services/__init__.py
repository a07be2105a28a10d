"""Domain services: every write goes through here (rules, version, audit)."""
