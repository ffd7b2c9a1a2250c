-- The station kiosk's database, its two roles and what each may do (PostgreSQL 15 or newer).
--
-- Run it on the database server, as root, with the PostgreSQL superuser (docs/deployment.md,
-- step 4), then set the two passwords (\password asks for each without showing it):
--
--     sudo -u postgres psql -v dbname=kiosk < roles.sql
--     sudo -u postgres psql -c '\password kiosk_owner'
--     sudo -u postgres psql -c '\password kiosk_app'
--
-- psql variables (-v NAME=VALUE):
--     dbname          the database to create or put right (default: kiosk)
--     owner_password  optional: sets kiosk_owner's password instead of \password
--     app_password    optional: sets kiosk_app's password instead of \password
--                     (for scripted installs: a password given so is seen in the command line)
--
-- kiosk_owner owns the schema: `kiosk db upgrade` runs as this role, from one admin machine.
-- kiosk_app is what every kiosk and officer console logs in as: it reads, adds and changes
-- rows, never deletes one, and may only add evidence (answers, signatures, documents, evidence
-- files, the audit trail), never change it.
--
-- Safe to run again at any time (after an upgrade, to re-check): it creates what is missing and
-- puts the privileges back as they should be. It never removes data.

\set ON_ERROR_STOP on
\if :{?dbname}
\else
\set dbname kiosk
\endif

-- 1. The roles (they belong to the whole server, not to one database) ---------------------------

SELECT 'CREATE ROLE kiosk_owner LOGIN'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kiosk_owner') \gexec
SELECT 'CREATE ROLE kiosk_app LOGIN'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kiosk_app') \gexec
ALTER ROLE kiosk_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
ALTER ROLE kiosk_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
\if :{?owner_password}
ALTER ROLE kiosk_owner PASSWORD :'owner_password';
\endif
\if :{?app_password}
ALTER ROLE kiosk_app PASSWORD :'app_password';
\endif
-- Every change appends to the audit trail, which takes a lock until the change is committed.
-- A kiosk whose cable is pulled half-way through a change must not keep that lock (and so every
-- other machine waiting) until the server notices the dead connection: end such a transaction
-- after a minute. Nothing in the kiosk keeps a transaction open that long.
ALTER ROLE kiosk_app SET idle_in_transaction_session_timeout = '60s';

-- 2. The database, owned by kiosk_owner; only the two roles may connect -------------------------

SELECT format('CREATE DATABASE %I OWNER kiosk_owner ENCODING %L TEMPLATE template0',
              :'dbname', 'UTF8')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'dbname') \gexec
ALTER DATABASE :"dbname" OWNER TO kiosk_owner;
REVOKE ALL ON DATABASE :"dbname" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"dbname" TO kiosk_app;

\connect :dbname

-- 3. Inside the database ------------------------------------------------------------------------

-- Only kiosk_owner creates tables (the migrations); kiosk_app may use what is there.
ALTER SCHEMA public OWNER TO kiosk_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO kiosk_app;

-- Every table and sequence kiosk_owner creates from now on (by `kiosk db upgrade`, now and in
-- later versions) is usable by kiosk_app at once: read, add and change rows, draw ids.
-- No DELETE and no TRUNCATE: the kiosk never deletes a row.
ALTER DEFAULT PRIVILEGES FOR ROLE kiosk_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE ON TABLES TO kiosk_app;
ALTER DEFAULT PRIVILEGES FOR ROLE kiosk_owner IN SCHEMA public
    GRANT USAGE ON SEQUENCES TO kiosk_app;

-- The tables and sequences that already exist (running this again after an upgrade).
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO kiosk_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO kiosk_app;

-- The exceptions: the evidence is append-only. kiosk_app may add rows to these tables but
-- never change or remove one (privileges, not triggers: a privilege binds every statement of
-- the account whatever the code does, costs nothing per row, and kiosk_app, not owning the
-- tables, cannot give it back to itself; a trigger's function would have to be kept in step
-- with each table by every migration):
--   answer_revisions  what the party answered (a correction is a new revision)
--   signatures        the party's signature of each submission
--   documents         every PDF as rendered and kept (statement, notice record, decision)
--   evidence_items    the files added to a case (PSAPL Art. 111, 115(2))
--   blobs, blob_chunks the bytes of those files and of recording segments
--   audit_events      the audit trail (appending an event updates audit_head, the chain's
--                     head, which stays changeable: the keyed chain and its anchors detect a
--                     head put back)
-- and kiosk_app may read the schema version but not change it. The grants above would allow
-- all that, so it is taken back here, and again by the event trigger below whenever a migration
-- creates or alters a table, so a later migration that re-creates one of them cannot quietly
-- make it changeable.
--
-- What kiosk_app still changes, and why that is enough:
--   cases             state, claim, decision: only through the review functions, each of which
--                     appends an audit event in the same transaction; and the trigger of
--                     migration 0014 (cases_final_stays_final, owned by kiosk_owner) refuses any
--                     change of a final case's status, decision or decided_at, whoever asks.
--   penalty_notices   only the party's answer, the officer's reply and the closing (column
--                     privileges below; audited, PSAPL Art. 112): never the proposal.
--   print_jobs, audit_head, case_code_sequences, template_drafts: working state, not evidence.
--   users, station_settings: account roles and station settings are changed by `kiosk user`,
--                     `kiosk settings` and the admin screens, as kiosk_app: an admin path that
--                     appends `user.*` / `settings.changed` to the audit trail in the same
--                     transaction. Taking UPDATE away would need an owner login on every admin
--                     console; instead the audited path is the only one the program has.
CREATE OR REPLACE FUNCTION public.kiosk_restrict_app() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    evidence text;
BEGIN
    FOREACH evidence IN ARRAY ARRAY['answer_revisions', 'signatures', 'documents',
                                    'evidence_items', 'blobs', 'blob_chunks', 'audit_events']
    LOOP
        IF to_regclass('public.' || evidence) IS NOT NULL THEN
            EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON public.%I FROM kiosk_app',
                           evidence);
        END IF;
    END LOOP;
    -- The notice of an intended penalty: what was proposed, the rights told, where and by whom
    -- are written once; only the party's answer, the officer's reply and the closing change
    -- (kiosk/penalty_notice.py). A later column kiosk_app must change is added to this list.
    IF to_regclass('public.penalty_notices') IS NOT NULL THEN
        REVOKE UPDATE ON public.penalty_notices FROM kiosk_app;
        GRANT UPDATE (shown_at, answer, argument, answered_at, answered_via, signature_png,
                      signature_strokes, reply, replied_by, replied_at, closed)
            ON public.penalty_notices TO kiosk_app;
    END IF;
    IF to_regclass('public.alembic_version') IS NOT NULL THEN
        REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON public.alembic_version FROM kiosk_app;
    END IF;
END
$$;
CREATE OR REPLACE FUNCTION public.kiosk_restrict_app_after_ddl() RETURNS event_trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM public.kiosk_restrict_app();
END
$$;
DROP EVENT TRIGGER IF EXISTS kiosk_restrict_app;
CREATE EVENT TRIGGER kiosk_restrict_app ON ddl_command_end
    WHEN TAG IN ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'ALTER TABLE')
    EXECUTE FUNCTION public.kiosk_restrict_app_after_ddl();
DO $$ BEGIN PERFORM public.kiosk_restrict_app(); END $$;  -- now, for the tables there already

-- 4. What kiosk_app may now do, table by table (empty before the first `kiosk db upgrade`).
--    Expected: select, insert and update everywhere except: the evidence tables
--    (answer_revisions, signatures, documents, evidence_items, blobs, blob_chunks,
--    audit_events: no update), penalty_notices (update of some columns only, so "f" here)
--    and alembic_version (select only); delete nowhere.
SELECT c.relname AS "table",
       has_table_privilege('kiosk_app', c.oid, 'SELECT') AS "select",
       has_table_privilege('kiosk_app', c.oid, 'INSERT') AS "insert",
       has_table_privilege('kiosk_app', c.oid, 'UPDATE') AS "update",
       has_table_privilege('kiosk_app', c.oid, 'DELETE') AS "delete"
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
 ORDER BY 1;
