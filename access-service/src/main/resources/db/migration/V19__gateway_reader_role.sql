-- The gateway's database role (io.nais.pg.access.AccessMode.GATEWAY). The gateway is
-- internet-facing; what it may do here is only what a login needs:
--   SELECT on the directory columns it reads (cluster endpoint, membership, active DBA
--   grants; never cluster.admin_secret_ref nor anything provisioning keeps), and
--   INSERT on the outbox, for its session and login audit events (SessionOpened,
--   SessionClosed, LoginDenied, UnauthenticatedLoginRefused). It cannot read the
--   outbox nor delete from it: provisioning's relay sends and deletes the rows.
-- No UPDATE, DELETE or TRUNCATE anywhere: a compromised gateway cannot change who is a
-- member, forge a grant, or drop queued audit events.
--
-- nais_access_gateway is a NOLOGIN group role. Roles belong to the server, and the
-- service's owner should not hold CREATEROLE (on PostgreSQL < 16 it reaches every
-- non-superuser role), so the operator creates it beforehand; only an owner that may
-- create roles anyway (a superuser: benchmarks) creates it here. The gateway's own
-- LOGIN role is made a member of it (deploy/README.md).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'nais_access_gateway') THEN
        IF (SELECT rolsuper OR rolcreaterole FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
            EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', 'nais_access_gateway');
        ELSE
            RAISE EXCEPTION 'role "nais_access_gateway" does not exist; create it first: CREATE ROLE "nais_access_gateway" NOLOGIN'
                USING ERRCODE = '42704';
        END IF;
    END IF;
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %I TO %I', pg_catalog.current_schema(), 'nais_access_gateway');
END $$;

GRANT SELECT ("cluster_id", "team", "app", "host", "port", "database", "removed") ON "cluster" TO "nais_access_gateway";
GRANT SELECT ("team", "email", "member") ON "team_member" TO "nais_access_gateway";
GRANT SELECT ("grant_id", "cluster_id", "email", "expires_at", "active") ON "dba_grant" TO "nais_access_gateway";
GRANT INSERT ("id", "topic", "record_key", "payload") ON "outbox_event" TO "nais_access_gateway";
