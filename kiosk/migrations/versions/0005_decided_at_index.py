"""index on cases.decided_at (the console's queue reads what was decided in the last day)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 17:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_cases_decided_at', 'cases', ['decided_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_cases_decided_at', table_name='cases')
