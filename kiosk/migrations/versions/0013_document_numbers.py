"""document_number_sequences and cases.decision_number: the decision's document number (文号),
per organ, per year, per kind (PSAPL Art. 109, 115)

Revision ID: 0013
Revises: 0015
Create Date: 2026-12-08 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'document_number_sequences',
        sa.Column('organ', sa.String(length=16), nullable=False),
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('organ', 'year', 'kind'),
    )
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('decision_number', sa.String(length=64), nullable=True))
        batch.create_unique_constraint('uq_cases_decision_number', ['decision_number'])


def downgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.drop_constraint('uq_cases_decision_number', type_='unique')
        batch.drop_column('decision_number')
    op.drop_table('document_number_sequences')
