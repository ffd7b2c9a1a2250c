"""audit_head.key_id: the id of the station key the audit chain is keyed with from then on

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08 00:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Empty: the events already written stay plain SHA-256 links; the first start after the
    # upgrade keys the chain from its next event on (kiosk/station.py, kiosk/audit.py).
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_id', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.drop_column('key_id')
