"""a site's letterhead logo: the office's image beside the organisation's name

Revision ID: 0014_site_logo
Revises: 0011_site_letterhead

The letterhead of 0011 gets the logo of the office (a PNG or a JPEG of 512 Ko at most,
checked by ``db.org.logo``), chosen in Administration › Lieux beside the organisation's
name; NULL: the letter has no logo.

On PostgreSQL, ``site`` is granted by table (0009: every account reads it, administrators
write it): the new column follows those grants, none of its own is needed.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_site_logo"
down_revision = "0011_site_letterhead"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, as 0011: a batch copy of ``site`` would fail its foreign keys.


def upgrade() -> None:
    op.add_column("site", sa.Column("letterhead_logo", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    op.drop_column("site", "letterhead_logo")
