"""recording sessions, segments, gaps and marks; recording offsets of answers and signatures

Revision ID: 0010
Revises: 0012
Create Date: 2026-12-08 00:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'recording_sessions',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=False),
        sa.Column('purpose', sa.String(length=16), nullable=False),
        sa.Column('machine', sa.String(length=128), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('end_cause', sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_recording_sessions_case_id', 'recording_sessions', ['case_id'])
    op.create_table(
        'recording_segments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.String(length=36), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('offset_ms', sa.BigInteger(), nullable=False),
        sa.Column('duration_ms', sa.BigInteger(), nullable=False),
        sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['recording_sessions.id']),
        sa.ForeignKeyConstraint(['sha256'], ['blobs.sha256']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('session_id', 'n'),
    )
    op.create_index('ix_recording_segments_session_id', 'recording_segments', ['session_id'])
    op.create_table(
        'recording_gaps',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=False),
        sa.Column('session_id', sa.String(length=36), nullable=False),
        sa.Column('resumed_session_id', sa.String(length=36), nullable=True),
        sa.Column('from_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('to_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('cause', sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.ForeignKeyConstraint(['session_id'], ['recording_sessions.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_recording_gaps_case_id', 'recording_gaps', ['case_id'])
    op.create_table(
        'recording_marks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.String(length=36), nullable=False),
        sa.Column('offset_ms', sa.BigInteger(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('path', sa.String(length=128), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['recording_sessions.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_recording_marks_session_id', 'recording_marks', ['session_id'])
    for table in ('answer_revisions', 'signatures'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('recording_session_id', sa.String(length=36),
                                       nullable=True))
            batch.add_column(sa.Column('offset_ms', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    for table in ('signatures', 'answer_revisions'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('offset_ms')
            batch.drop_column('recording_session_id')
    op.drop_table('recording_marks')
    op.drop_table('recording_gaps')
    op.drop_table('recording_segments')
    op.drop_table('recording_sessions')
