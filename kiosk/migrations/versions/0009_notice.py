"""penalty_notices: the notice of an intended penalty and the party's answer before the
decision (PSAPL Art. 112)

Revision ID: 0009_notice
Revises: 0009
Create Date: 2026-12-08 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009_notice'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('penalty_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('submission', sa.Integer(), nullable=False),
    sa.Column('proposal', sa.JSON(), nullable=False),
    sa.Column('rights', sa.JSON(), nullable=False),
    sa.Column('place', sa.String(length=128), nullable=False),
    sa.Column('proposed_by', sa.String(length=64), nullable=False),
    sa.Column('proposed_by_name', sa.String(length=128), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('shown_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answer', sa.String(length=16), nullable=True),
    sa.Column('argument', sa.JSON(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_via', sa.String(length=16), nullable=True),
    sa.Column('signature_png', sa.LargeBinary(), nullable=True),
    sa.Column('signature_strokes', sa.JSON(), nullable=True),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('replied_by', sa.String(length=64), nullable=True),
    sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('penalty_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_penalty_notices_case_id'), ['case_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('penalty_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_penalty_notices_case_id'))
    op.drop_table('penalty_notices')
