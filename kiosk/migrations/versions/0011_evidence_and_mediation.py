"""evidence_items and mediations: a case's evidence (files of the blob store) and its mediation
attempts (PSAPL Art. 9)

Revision ID: 0011
Revises: 0009_notice
Create Date: 2026-12-08 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0009_notice'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'evidence_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('source', sa.String(length=32), nullable=False),
        sa.Column('person_id', sa.String(length=36), nullable=True),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('added_by', sa.String(length=64), nullable=False),
        sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.ForeignKeyConstraint(['sha256'], ['blobs.sha256']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_id', 'sha256'),
    )
    op.create_index(op.f('ix_evidence_items_case_id'), 'evidence_items', ['case_id'],
                    unique=False)
    op.create_table(
        'mediations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('terms', sa.Text(), nullable=False),
        sa.Column('proposed_by', sa.String(length=64), nullable=False),
        sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('agreements', sa.JSON(), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_by', sa.String(length=64), nullable=True),
        sa.Column('failure_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_mediations_case_id'), 'mediations', ['case_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_mediations_case_id'), table_name='mediations')
    op.drop_table('mediations')
    op.drop_index(op.f('ix_evidence_items_case_id'), table_name='evidence_items')
    op.drop_table('evidence_items')
