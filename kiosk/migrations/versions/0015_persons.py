"""persons, disagreement_resolutions, and the person of an answer revision and a signature:
victims and witnesses of a case, questioned at the kiosk (issue 12)

Revision ID: 0015
Revises: 0010
Create Date: 2026-12-08 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'persons',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=False),
        sa.Column('roles', sa.JSON(), nullable=False),
        sa.Column('start_code', sa.String(length=6), nullable=False),
        sa.Column('template_version_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=128), nullable=False),
        sa.Column('identity', sa.JSON(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('notice', sa.JSON(), nullable=False),
        sa.Column('notice_acknowledged_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('current_path', sa.String(length=128), nullable=True),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('submission_count', sa.Integer(), nullable=False),
        sa.Column('added_by', sa.String(length=64), nullable=False),
        sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.ForeignKeyConstraint(['template_version_id'], ['template_versions.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_persons_case_id'), 'persons', ['case_id'], unique=False)
    op.create_index(op.f('ix_persons_start_code'), 'persons', ['start_code'], unique=False)
    op.create_table(
        'disagreement_resolutions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=False),
        sa.Column('fact', sa.String(length=64), nullable=False),
        sa.Column('answers_sha256', sa.String(length=64), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('resolved_by', sa.String(length=64), nullable=False),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_id', 'fact', 'answers_sha256'),
    )
    op.create_index(op.f('ix_disagreement_resolutions_case_id'), 'disagreement_resolutions',
                    ['case_id'], unique=False)
    # Nullable: every existing answer and signature is the offender's, the case's own party.
    for table in ('answer_revisions', 'signatures'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('person_id', sa.String(length=36), nullable=True))
            batch.create_index(f'ix_{table}_person_id', ['person_id'], unique=False)
            batch.create_foreign_key(f'fk_{table}_person_id', 'persons', ['person_id'], ['id'])


def downgrade() -> None:
    for table in ('signatures', 'answer_revisions'):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f'fk_{table}_person_id', type_='foreignkey')
            batch.drop_index(f'ix_{table}_person_id')
            batch.drop_column('person_id')
    op.drop_index(op.f('ix_disagreement_resolutions_case_id'),
                  table_name='disagreement_resolutions')
    op.drop_table('disagreement_resolutions')
    op.drop_index(op.f('ix_persons_start_code'), table_name='persons')
    op.drop_index(op.f('ix_persons_case_id'), table_name='persons')
    op.drop_table('persons')
