"""Append-only evidence: triggers that refuse changing or deleting evidence rows (SQLite), and a
final case's state and decision that nobody changes (both databases); refused_guesses, what the
throttle of start codes and the admin PIN counts; the admin PIN stored as an argon2 hash

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 01:00:00

On PostgreSQL the application account (kiosk_app) is refused UPDATE and DELETE of the evidence
tables by its privileges (docs/deployment/roles.sql); a station on one machine (SQLite) has no
accounts, so here triggers refuse them instead. Whoever holds the database file can drop a
trigger: this stops the program and a careless hand, not an attacker with the file (the keyed
audit chain is what detects that). A later migration that rebuilds one of these tables with
`batch_alter_table` on SQLite drops its triggers: it must create them again
(tests/test_append_only.py checks they are all there at head).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kiosk.guessing import hash_admin_pin, is_pin_hash

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What the party said and signed, what was printed, the files handed in, the audit trail: added,
# never changed nor deleted (PSAPL Art. 111, 115(2); the issue "Integrity under attack").
EVIDENCE_TABLES = ('answer_revisions', 'signatures', 'documents', 'evidence_items', 'blobs',
                   'blob_chunks', 'audit_events')
FINAL_STATES = ('approved', 'converted', 'mediated')  # kiosk.states.FINAL
_FINAL_SQL = ", ".join(f"'{state}'" for state in FINAL_STATES)
FINAL_MESSAGE = "the state and decision of a final case are never changed"


def evidence_message(table: str, verb: str) -> str:
    return f"{table} rows are evidence: never {verb} (kiosk migration 0014)"


def upgrade() -> None:
    op.create_table(
        'refused_guesses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('machine', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_refused_guesses_kind_at', 'refused_guesses', ['kind', 'at'])
    _hash_a_clear_admin_pin()
    _append_only()


def _hash_a_clear_admin_pin() -> None:
    """An admin PIN stored in clear by an earlier version becomes its argon2 hash (the same PIN
    still opens the kiosk; kiosk/guessing.py checks it)."""
    settings = sa.table('station_settings', sa.column('key', sa.String),
                        sa.column('value', sa.JSON))
    bind = op.get_bind()
    stored = bind.execute(sa.select(settings.c.value).where(settings.c.key == 'admin_pin')
                          ).scalar_one_or_none()
    if isinstance(stored, str) and not is_pin_hash(stored):
        bind.execute(settings.update().where(settings.c.key == 'admin_pin')
                     .values(value=hash_admin_pin(stored)))


def _append_only() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for table in EVIDENCE_TABLES:
            for event, verb in (('UPDATE', 'changed'), ('DELETE', 'deleted')):
                op.execute(
                    f"CREATE TRIGGER evidence_no_{event.lower()}_{table} BEFORE {event} "
                    f"ON {table} BEGIN SELECT RAISE(ABORT, "
                    f"'{evidence_message(table, verb)}'); END")
        op.execute(
            "CREATE TRIGGER cases_final_stays_final BEFORE UPDATE ON cases "
            f"WHEN OLD.status IN ({_FINAL_SQL}) AND (NEW.status IS NOT OLD.status "
            "OR NEW.decision IS NOT OLD.decision OR NEW.decided_at IS NOT OLD.decided_at) "
            f"BEGIN SELECT RAISE(ABORT, '{FINAL_MESSAGE}'); END")
        return
    # PostgreSQL: the function belongs to the schema owner and runs as whoever updates, so
    # kiosk_app can neither drop nor replace it. `decision` is json, which has no equality:
    # compared as text (the kiosk writes it once, so the text is the value as written).
    op.execute(f"""
        CREATE FUNCTION cases_final_stays_final() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF OLD.status IN ({_FINAL_SQL}) AND (
                   NEW.status IS DISTINCT FROM OLD.status
                OR NEW.decision::text IS DISTINCT FROM OLD.decision::text
                OR NEW.decided_at IS DISTINCT FROM OLD.decided_at) THEN
                RAISE EXCEPTION '{FINAL_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END
        $$""")
    op.execute("CREATE TRIGGER cases_final_stays_final BEFORE UPDATE ON cases FOR EACH ROW "
               "EXECUTE FUNCTION cases_final_stays_final()")


def downgrade() -> None:
    # A hashed admin PIN stays hashed: its clear value is not known any more (set it again).
    op.drop_index('ix_refused_guesses_kind_at', table_name='refused_guesses')
    op.drop_table('refused_guesses')
    if op.get_bind().dialect.name == 'sqlite':
        for table in EVIDENCE_TABLES:
            for event in ('update', 'delete'):
                op.execute(f"DROP TRIGGER IF EXISTS evidence_no_{event}_{table}")
        op.execute("DROP TRIGGER IF EXISTS cases_final_stays_final")
        return
    op.execute("DROP TRIGGER IF EXISTS cases_final_stays_final ON cases")
    op.execute("DROP FUNCTION IF EXISTS cases_final_stays_final()")
