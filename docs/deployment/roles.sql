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
-- rows, never deletes one, and may only add to the audit trail (audit_events), never change it.
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

-- The exceptions. kiosk_app may add events to the audit trail but never change or remove one
-- (it must update audit_head, the chain's head: that is how an event is appended), and may read
-- the schema version but not change it. The grants above would allow both, so they are taken
-- back here, and again by the event trigger below whenever a migration creates or alters a
-- table, so a later migration that re-creates audit_events cannot quietly make it changeable.
CREATE OR REPLACE FUNCTION public.kiosk_restrict_app() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF to_regclass('public.audit_events') IS NOT NULL THEN
        REVOKE UPDATE, DELETE, TRUNCATE ON public.audit_events FROM kiosk_app;
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
--    Expected: select, insert and update everywhere except: audit_events (no update) and
--    alembic_version (select only); delete nowhere.
SELECT c.relname AS "table",
       has_table_privilege('kiosk_app', c.oid, 'SELECT') AS "select",
       has_table_privilege('kiosk_app', c.oid, 'INSERT') AS "insert",
       has_table_privilege('kiosk_app', c.oid, 'UPDATE') AS "update",
       has_table_privilege('kiosk_app', c.oid, 'DELETE') AS "delete"
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
 ORDER BY 1;
