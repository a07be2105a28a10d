"""Schema revisions known to this version of Guichet.

Kept as plain data so that opening a current database never imports Alembic;
``tests/db/test_migrations.py`` checks it against the migration scripts.
"""

REVISIONS: tuple[str, ...] = (
    "0001_initial", "0002_mediation", "0003_pathways", "0004_agenda",
    "0005_pathway_booking", "0006_preparation", "0007_adviser_busy", "0008_seeded_ids",
    "0009_accounts", "0010_registration_rules", "0012_messages", "0013_lifecycle",
    "0011_site_letterhead", "0014_site_logo", "0015_message_retention", "0016_sync",
)
HEAD = REVISIONS[-1]

# PRAGMA application_id of a Guichet SQLite file ("GUIC").
SQLITE_APPLICATION_ID = 0x47554943
