"""a site's letterhead: the organisation's name its letters are headed with

Revision ID: 0011_site_letterhead
Revises: 0013_lifecycle

Letters to people (the confirmation of an appointment) open on the organisation's name —
« Caisse primaire d'assurance maladie de l'Isère » — above the site's address and hours. A
France Services counter writes on behalf of the CPAM, so the name is the site's, set in
Administration › Lieux; empty, letters say « Assurance Maladie ».
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_site_letterhead"
down_revision = "0013_lifecycle"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not batch mode: SQLite (3.35+) adds and drops a column in place, while
# a batch copy would drop ``site``, which every staff row and appointment refers to.


def upgrade() -> None:
    op.add_column("site", sa.Column("letterhead", sa.String(length=160), nullable=False,
                                    server_default=""))


def downgrade() -> None:
    op.drop_column("site", "letterhead")
