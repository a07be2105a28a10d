"""The journal: the audit trail read and filtered by the people who may, and exported.

It sits above every area (it names their records: an appointment by its person and time, a
pathway line by its pathway and month), as the dashboard does.
"""
